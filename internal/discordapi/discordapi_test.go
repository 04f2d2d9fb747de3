package discordapi

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

func TestPointAtRederivesEveryEndpoint(t *testing.T) {
	t.Cleanup(func() { PointAt(Default) })
	if err := PointAt("http://127.0.0.1:9/api/v9"); err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]string{
		"gateway":      discordgo.EndpointGateway,
		"webhook":      discordgo.EndpointWebhookMessage("1", "tok", "@original"),
		"callback":     discordgo.EndpointInteractionResponse("2", "tok"),
		"commands":     discordgo.EndpointApplicationGuildCommands("1", "3"),
		"channel msgs": discordgo.EndpointChannelMessages("4"),
	} {
		if !strings.HasPrefix(got, "http://127.0.0.1:9/api/v9/") {
			t.Errorf("%s endpoint still points at %s", name, got)
		}
	}
	for _, bad := range []string{"", "discord.com", "ftp://x/api/v9/", "http://"} {
		if err := PointAt(bad); err == nil {
			t.Errorf("PointAt(%q) accepted a bad address", bad)
		}
	}
	if err := PointAt(Default); err != nil || discordgo.EndpointGateway != "https://discord.com/api/v9/gateway" {
		t.Errorf("restoring the default: %v, gateway %s", err, discordgo.EndpointGateway)
	}
}
