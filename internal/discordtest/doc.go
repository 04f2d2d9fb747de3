// Package discordtest is a fake Discord server for end-to-end tests of a
// bot built on github.com/bwmarrin/discordgo.
//
// A Server serves a subset of the REST API under /api/v9/ and the gateway
// websocket at /gateway on 127.0.0.1. The real discordgo client talks to
// it once discordgo's package-level endpoint variables (EndpointAPI and
// everything derived from it: EndpointGuilds, EndpointChannels,
// EndpointUsers, EndpointGateway, EndpointGatewayBot, EndpointWebhooks,
// EndpointApplications, EndpointOAuth2, ...) are re-derived from
// Server.APIURL. This package deliberately does not do that for you.
//
// The fake world has one bot (BotUserID, also ApplicationID) authenticated
// by Token, one guild (GuildID) with one text channel (ChannelID) and one
// human member (UserID). Tests drive the bot by dispatching gateway events
// (SendInteraction, SendMessage, Dispatch; with SetInteractionsEndpoint,
// SendInteraction POSTs the interaction to the bot's endpoint, signed
// with the key PublicKeyHex names, as Discord does) and observe it through what it
// sent over REST (WaitResponse, WaitChannelMessage, WaitFollowup,
// WaitDirectMessage, Commands, Requests). Failures can be injected with
// FailNext and FailNextWith (Discord's errors by code: MissingPermissions,
// UnknownWebhook, InvalidWebhookToken, RateLimited, InvalidFormBody...),
// ExpireInteractionToken, AddChannel (a channel whose permissions deny
// the bot), DropConnections, SendReconnect and SendInvalidSession.
//
// Usage:
//
//	func TestAsk(t *testing.T) {
//		srv := discordtest.NewServer(t)
//		bot := startBot(t, srv.APIURL(), "Bot "+discordtest.Token) // re-derives discordgo endpoints, Open()s
//		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
//		defer cancel()
//		if err := srv.WaitReady(ctx); err != nil {
//			t.Fatal(err)
//		}
//		if _, err := srv.WaitCommands(ctx, discordtest.GuildID, 1); err != nil {
//			t.Fatal(err)
//		}
//		i := srv.SlashCommand("ask", discordtest.SlashOption{Name: "question", Value: "hi"})
//		srv.SendInteraction(i)
//		resp, err := srv.WaitResponse(ctx, i)
//		if err != nil {
//			t.Fatal(err)
//		}
//		if resp.CallbackType != discordgo.InteractionResponseDeferredChannelMessageWithSource {
//			t.Errorf("callback type = %v", resp.CallbackType)
//		}
//		t.Log(resp.Message.Embeds[0].Title)
//		_ = bot
//	}
//
// Things to know:
//
//   - Close the bot's discordgo.Session before the Server closes (register
//     its Close with t.Cleanup after calling NewServer), otherwise discordgo
//     keeps trying to reconnect to the closed server. Keep the heartbeat
//     interval long when a discordgo Session is used (see
//     SetHeartbeatInterval).
//   - discordgo's endpoints are package globals, so tests that point them at
//     different Servers must not run in parallel.
//   - As on Discord, the initial interaction callback must arrive within 3
//     seconds of SendInteraction (see SetInteractionDeadline), and messages
//     are checked against Discord's limits (2000 characters of content, 10
//     embeds, embed field limits, no empty messages) and rejected with
//     Discord's error codes.
//   - As on Discord, events dispatched while a session's connection is
//     down are replayed when the client RESUMEs; a session closed with
//     code 1000/1001 or invalidated (op 9, not resumable) gets nothing.
//   - Every REST request needs "Authorization: Bot " + Token; it is
//     recorded (see Requests) whatever the outcome.
package discordtest
