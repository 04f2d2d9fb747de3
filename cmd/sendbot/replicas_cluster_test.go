//go:build linux

package main

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/jackc/pgx/v5"

	"github.com/sendbot/sendbot/internal/discordtest"
	"github.com/sendbot/sendbot/internal/pgtest"
	"github.com/sendbot/sendbot/internal/testkit"
)

// cluster is what the replicas' end-to-end tests share: sendbot built
// once, a fake Discord, a PostgreSQL database and an index folder for a
// builder and its replicas, as docs/scaling.md describes.
type cluster struct {
	t           *testing.T
	ctx         context.Context
	srv         *discordtest.Server
	bin         string
	dbURL       string
	corpusDir   string
	indexDir    string
	builderData string // kept across the builder's restarts
	env         []string
}

// newCluster makes a cluster over a corpus of files, with env added to
// every process's settings.
func newCluster(t *testing.T, files map[string]string, env ...string) *cluster {
	t.Helper()
	if testing.Short() {
		t.Skip("builds sendbot and runs three of it: skipped under -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return &cluster{
		t: t, ctx: ctx, srv: discordtest.NewServer(t),
		dbURL: pgtest.NewDatabase(t), bin: buildSendbot(t),
		corpusDir: testkit.WriteCorpus(t, files), indexDir: filepath.Join(t.TempDir(), "index"),
		builderData: t.TempDir(), env: env,
	}
}

// start runs serve in role and waits until its interactions endpoint
// answers Discord's PING, which it does once it has an index; it returns
// the process and the endpoint's URL.
func (c *cluster) start(role string) (*serveProcess, string) {
	t := c.t
	t.Helper()
	addr, data := freeAddr(t), c.builderData
	if role != "builder" {
		data = t.TempDir()
	}
	env := append([]string{"DISCORD_TOKEN=" + discordtest.Token, "DISCORD_GUILD_ID=" + discordtest.GuildID,
		"DISCORD_API_URL=" + c.srv.APIURL(), "DISCORD_PUBLIC_KEY=" + discordtest.PublicKeyHex, "DATABASE_URL=" + c.dbURL,
		"SENDBOT_ROLE=" + role, "SENDBOT_INTERACTIONS_ADDR=" + addr, "SENDBOT_INDEX=" + c.indexDir,
		"SENDBOT_CORPUS=" + c.corpusDir, "SENDBOT_DATA=" + data}, c.env...)
	p := startServeProcess(t, c.bin, t.TempDir(), c.srv, env...)
	url := "http://" + addr + "/interactions"
	testkit.WaitFor(t, role+"'s interactions endpoint", func() bool {
		code, body, err := c.srv.Ping(c.ctx, url)
		return err == nil && code == http.StatusOK && string(body) == `{"type":1}`
	})
	return p, url
}

// send delivers i to the endpoint at url, as a moderator (so that no
// rate limit applies), without waiting for the reply.
func (c *cluster) send(url string, i *discordgo.Interaction) *discordgo.Interaction {
	if i.Member != nil {
		i.Member.Permissions |= discordgo.PermissionManageGuild
	}
	c.srv.SetInteractionsEndpoint(url)
	c.srv.SendInteraction(i)
	return i
}

// count is the number a count(*) query gives in the shared database.
func (c *cluster) count(query string, args ...any) int {
	t := c.t
	t.Helper()
	conn, err := pgx.Connect(c.ctx, c.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(c.ctx)
	var n int
	if err := conn.QueryRow(c.ctx, query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
