package bot

import "fmt"

// Permissions is the bot permissions integer the invite URL asks for:
// View Channels (1<<10), Send Messages (1<<11), Embed Links (1<<14), Read
// Message History (1<<16, which replies to a message need) and Send
// Messages in Threads (1<<38). Nothing else: no administrator, no
// managing messages or members.
const Permissions int64 = 1<<10 | 1<<11 | 1<<14 | 1<<16 | 1<<38

// InviteURL is the address that adds the bot to a server with the
// scopes and permissions it needs.
func InviteURL(appID string) string {
	return fmt.Sprintf("https://discord.com/oauth2/authorize?client_id=%s&scope=bot+applications.commands&permissions=%d", appID, Permissions)
}
