package settings

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sendbot/sendbot/index"
	"github.com/sendbot/sendbot/library"
)

// with reads the settings of an environment that sets only name.
func with(name, value string) Settings {
	return Read(func(k string) string {
		if k == name {
			return value
		}
		return ""
	})
}

func TestAreaMaps(t *testing.T) {
	const format = "write comma-separated id=Area Name pairs, e.g. 123456789012345678=Herefordshire,234567890123456789=North Lincolnshire"
	tests := []struct {
		name    string
		value   string
		want    map[string]string
		wantErr []string
	}{
		{"empty", "", map[string]string{}, nil},
		{"two pairs with spaces and a trailing comma", " 123456789012345678 = Herefordshire , 234567890123456789=North Lincolnshire,",
			map[string]string{"123456789012345678": "Herefordshire", "234567890123456789": "North Lincolnshire"}, nil},
		{"no equals sign", "123456789012345678 Herefordshire", nil,
			[]string{"SENDBOT_CHANNEL_AREAS", `"123456789012345678 Herefordshire" is not an id=Area Name pair`, format}},
		{"no area", "123456789012345678=", nil, []string{`"123456789012345678=" is not an id=Area Name pair`, format}},
		{"a channel name, not an ID", "#general=Herefordshire", nil, []string{`"#general" is not a Discord ID (IDs are digits only)`, "Copy ID"}},
		{"the same ID twice", "1=Herefordshire,1=Worcestershire", nil, []string{"ID 1 is given twice (Herefordshire and Worcestershire)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := with("SENDBOT_CHANNEL_AREAS", tt.value).ChannelAreas()
			if tt.wantErr == nil {
				if err != nil || len(got) != len(tt.want) {
					t.Fatalf("ChannelAreas = %v, %v; want %v", got, err, tt.want)
				}
				for id, area := range tt.want {
					if got[id] != area {
						t.Errorf("%s = %q, want %q", id, got[id], area)
					}
				}
				return
			}
			for _, w := range tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error %v should say %q", err, w)
				}
			}
		})
	}
	// Servers' areas are read alike, and their mistakes named as theirs.
	if _, err := with("SENDBOT_SERVER_AREAS", "Herefordshire").ServerAreas(); err == nil || !strings.HasPrefix(err.Error(), `SENDBOT_SERVER_AREAS: "Herefordshire" is not an id=Area Name pair`) {
		t.Errorf("ServerAreas error = %v", err)
	}
}

func TestStaleAfter(t *testing.T) {
	tests := []struct {
		value   string
		want    time.Duration
		wantErr string
	}{
		{"", index.DefaultMaxAge, ""},
		{"18m", 18 * 30 * 24 * time.Hour, ""},
		{"90d", 90 * 24 * time.Hour, ""},
		{"2", 0, "SENDBOT_STALE_AFTER: age \"2\": write a whole number of years, months or days, such as 2y, 18m or 90d"},
		{"two years", 0, "such as 2y, 18m or 90d"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			got, err := with("SENDBOT_STALE_AFTER", tt.value).StaleAfter()
			if tt.wantErr == "" && (err != nil || got != tt.want) {
				t.Errorf("StaleAfter(%q) = %v, %v; want %v", tt.value, got, err, tt.want)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("StaleAfter(%q) error = %v, want %q", tt.value, err, tt.wantErr)
			}
		})
	}
}

func TestMaxUpload(t *testing.T) {
	tests := []struct {
		name, value string
		want        int64
		wantErr     bool
	}{
		{"default", "", 10 << 20, false},
		{"bytes", "500000", 500000, false},
		{"MB", "10MB", 10 << 20, false},
		{"MiB with a space", "8 MiB", 8 << 20, false},
		{"KB lower case", "512kb", 512 << 10, false},
		{"over what sendbot reads", "64MB", 0, true},
		{"zero", "0", 0, true},
		{"words", "ten megabytes", 0, true},
		{"negative", "-1MB", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := with("SENDBOT_MAX_UPLOAD", tt.value).MaxUpload()
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("MaxUpload(%q) = %d, %v; want %d (error %v)", tt.value, got, err, tt.want, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "SENDBOT_MAX_UPLOAD") {
				t.Errorf("the error does not name the setting: %v", err)
			}
		})
	}
}

func TestFetchAllow(t *testing.T) {
	tests := []struct {
		name, value string
		want        string // the ranges, space-separated
		err         string // part of the error
	}{
		{"empty: none", "", "", ""},
		{"one range", "127.0.0.0/8", "127.0.0.0/8", ""},
		{"several, spaced", " 10.20.0.0/16 , fd00::/8,", "10.20.0.0/16 fd00::/8", ""},
		{"a bare address", "10.20.0.5", "", `SENDBOT_FETCH_ALLOW: "10.20.0.5" is not an address range; write 10.20.0.5/32 for that one address`},
		{"a bare IPv6 address", "fd00::5", "", `"fd00::5" is not an address range; write fd00::5/128 for that one address`},
		{"a name", "127.0.0.0/8,intranet.local", "", `SENDBOT_FETCH_ALLOW: "intranet.local" is not an address range; write address ranges in CIDR form`},
		{"a bad length", "10.0.0.0/33", "", `"10.0.0.0/33" is not an address range`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := with("SENDBOT_FETCH_ALLOW", tt.value).FetchAllow()
			var ranges []string
			for _, p := range got {
				ranges = append(ranges, p.String())
			}
			if strings.Join(ranges, " ") != tt.want || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("FetchAllow(%q) = %v, %v; want %q, error containing %q", tt.value, ranges, err, tt.want, tt.err)
			}
		})
	}
}

func TestGapsKeep(t *testing.T) {
	tests := []struct {
		value   string
		want    time.Duration
		wantErr string
	}{
		{"", DefaultGapsKeep, ""},
		{"90d", 90 * 24 * time.Hour, ""},
		{"1y", 365 * 24 * time.Hour, ""},
		{"0", 0, ""},
		{"off", 0, ""},
		{"30", 0, `SENDBOT_GAPS_KEEP: age "30": write a whole number of years, months or days, such as 2y, 18m or 90d, or 0 to keep nothing`},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			got, err := with("SENDBOT_GAPS_KEEP", tt.value).GapsKeep()
			if tt.wantErr == "" && (err != nil || got != tt.want) {
				t.Errorf("GapsKeep(%q) = %v, %v; want %v", tt.value, got, err, tt.want)
			}
			if tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr) {
				t.Errorf("GapsKeep(%q) error = %v, want %q", tt.value, err, tt.wantErr)
			}
		})
	}
}

// TestBotReadsWhatIsWritten checks that a setting written rightly
// reaches the bot's Config; cmd/sendbot's tests check that serve
// explains each one written wrongly.
func TestBotReadsWhatIsWritten(t *testing.T) {
	env := map[string]string{
		"DISCORD_TOKEN":         " the-token ",
		"SENDBOT_AREA":          "Herefordshire",
		"SENDBOT_STALE_AFTER":   "18m",
		"SENDBOT_CHANNEL_AREAS": "123=Worcestershire",
		"SENDBOT_RATE_LIMIT":    "20",
		"SENDBOT_MOD_ROLES":     "123456789012345678, 234567890123456789",
		"SENDBOT_MAX_UPLOAD":    "512KB",
		"LOG_QUESTIONS":         "yes",
	}
	bc, err := Read(func(k string) string { return env[k] }).Bot()
	if err != nil {
		t.Fatal(err)
	}
	if bc.Token != "the-token" || bc.DefaultArea != "Herefordshire" || bc.MaxAge != 18*30*24*time.Hour ||
		bc.ChannelAreas["123"] != "Worcestershire" || len(bc.ServerAreas) != 0 || bc.RateLimit != 20 ||
		!slices.Equal(bc.ModRoles, []string{"123456789012345678", "234567890123456789"}) || bc.MaxUploadBytes != 512<<10 || !bc.LogQuestions {
		t.Errorf("Bot() = %+v", bc)
	}
}

func TestLogger(t *testing.T) {
	tests := []struct {
		level, format string
		wantErr       string
	}{
		{"", "", ""},
		{"DEBUG", "json", ""},
		{"warning", "text", ""},
		{"loud", "", `LOG_LEVEL "loud": use debug, info, warn or error`},
		{"", "xml", `LOG_FORMAT "xml": use text or json`},
	}
	for _, tt := range tests {
		t.Run(tt.level+"/"+tt.format, func(t *testing.T) {
			env := map[string]string{"LOG_LEVEL": tt.level, "LOG_FORMAT": tt.format}
			var out strings.Builder
			log, err := Read(func(k string) string { return env[k] }).Logger(&out)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("Logger error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			log.Debug("a debug line")
			log.Info("an info line")
			if strings.Contains(out.String(), "a debug line") != (strings.ToLower(tt.level) == "debug") {
				t.Errorf("LOG_LEVEL %q logged:\n%s", tt.level, out.String())
			}
			if strings.HasPrefix(out.String(), "{") != (tt.format == "json") {
				t.Errorf("LOG_FORMAT %q logged:\n%s", tt.format, out.String())
			}
		})
	}
}

// TestEverySettingIsDocumented keeps docs/settings.md's table and
// .env.example listing exactly the settings Read reads.
func TestEverySettingIsDocumented(t *testing.T) {
	var read []string
	Read(func(k string) string { read = append(read, k); return "" })
	slices.Sort(read)

	for _, f := range []struct {
		path string
		name *regexp.Regexp
	}{
		{"../docs/settings.md", regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\|")},
		{"../.env.example", regexp.MustCompile(`(?m)^(?:# )?([A-Z_]+)=`)},
	} {
		data, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		var named []string
		for _, m := range f.name.FindAllStringSubmatch(string(data), -1) {
			named = append(named, m[1])
		}
		slices.Sort(named)
		named = slices.Compact(named)
		if !slices.Equal(named, read) {
			t.Errorf("%s lists %v\nRead reads %v", f.path, named, read)
		}
	}
}

// TestProblemsListsEveryMistake sets every setting serve checks wrong at
// once: doctor must name each, not only the first.
func TestProblemsListsEveryMistake(t *testing.T) {
	env := map[string]string{
		"SENDBOT_STALE_AFTER":   "soon",
		"SENDBOT_SERVER_AREAS":  "not-a-map",
		"SENDBOT_CHANNEL_AREAS": "123",
		"LOG_QUESTIONS":         "maybe",
		"SENDBOT_RATE_LIMIT":    "lots",
		"SENDBOT_MOD_ROLES":     "moderators",
		"SENDBOT_REINDEX_EVERY": "weekly",
		"SENDBOT_ROLE":          "reader",
		"SENDBOT_FETCH_ALLOW":   "my-laptop",
		"SENDBOT_MAX_UPLOAD":    "huge",
		"SENDBOT_GAPS_KEEP":     "forever and ever",
		"LOG_FORMAT":            "xml",
		"SENDBOT_HTTP_ADDR":     "nowhere",
	}
	s := Read(func(k string) string { return env[k] })
	var said []string
	for _, err := range s.Problems() {
		said = append(said, err.Error())
	}
	all := strings.Join(said, "\n")
	for name := range env {
		if !strings.Contains(all, name) {
			t.Errorf("problems do not name %s:\n%s", name, all)
		}
	}
	if len(said) != len(env) {
		t.Errorf("%d problems for %d mistakes:\n%s", len(said), len(env), all)
	}
	if got := with("SENDBOT_RATE_LIMIT", "20").Problems(); len(got) != 0 {
		t.Errorf("a good setting has problems: %v", got)
	}
}

func TestDatabaseURLIsCheckedWithoutShowingThePassword(t *testing.T) {
	tests := []struct {
		name, value, want, wantErr string
	}{
		{"unset: files", "", "", ""},
		{"postgres", "postgres://bot:pw@db:5432/sendbot", "postgres://bot:pw@db:5432/sendbot", ""},
		{"postgresql", "postgresql://bot@db/sendbot", "postgresql://bot@db/sendbot", ""},
		{"another database", "mysql://bot:hunter22@db/sendbot", "", `DATABASE_URL mysql://bot:xxxxx@db/sendbot: it starts "mysql:", not postgres://`},
		{"no host", "postgres:///sendbot", "", "names no host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Read(func(k string) string {
				if k == "DATABASE_URL" {
					return tt.value
				}
				return ""
			})
			got, err := s.DatabaseURL()
			if got != tt.want {
				t.Errorf("DatabaseURL() = %q, want %q", got, tt.want)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("error %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("error %v, want one saying %q", err, tt.wantErr)
			case err != nil && strings.Contains(err.Error(), "hunter22"):
				t.Errorf("error %q shows the password", err)
			}
			if tt.wantErr != "" && len(s.Problems()) == 0 {
				t.Errorf("Problems() does not list it")
			}
		})
	}
}

// TestInteractionsAndShardsSayWhatToFix sets the settings of interactions
// over HTTP and of shards wrongly in each way an operator might.
func TestInteractionsAndShardsSayWhatToFix(t *testing.T) {
	const key = "fcb14eb9c0b525e3339c0393d909696955ac5cc313d1c7858ea1411b7c4e5b7e"
	tests := []struct {
		name string
		env  map[string]string
		want string // in the error; "" for none
	}{
		{"unset", nil, ""},
		{"endpoint with its key", map[string]string{"SENDBOT_INTERACTIONS_ADDR": ":8090", "DISCORD_PUBLIC_KEY": key}, ""},
		{"key not hex", map[string]string{"DISCORD_PUBLIC_KEY": "my-public-key"}, `DISCORD_PUBLIC_KEY: "my-public-key" is not hexadecimal`},
		{"key too short", map[string]string{"DISCORD_PUBLIC_KEY": key[:32]}, "DISCORD_PUBLIC_KEY is 32 hex digits long, but a public key has 64"},
		{"endpoint without its key", map[string]string{"SENDBOT_INTERACTIONS_ADDR": ":8090"}, "SENDBOT_INTERACTIONS_ADDR is set but DISCORD_PUBLIC_KEY is not"},
		{"endpoint without a port", map[string]string{"SENDBOT_INTERACTIONS_ADDR": "0.0.0.0", "DISCORD_PUBLIC_KEY": key}, `SENDBOT_INTERACTIONS_ADDR "0.0.0.0": use host:port or :port`},
		{"both shard settings", map[string]string{"SENDBOT_SHARD_ID": "1", "SENDBOT_SHARD_COUNT": "2"}, ""},
		{"shard ID alone", map[string]string{"SENDBOT_SHARD_ID": "0"}, "go together, but only one is set"},
		{"shard count alone", map[string]string{"SENDBOT_SHARD_COUNT": "2"}, "go together, but only one is set"},
		{"shard ID past the count", map[string]string{"SENDBOT_SHARD_ID": "2", "SENDBOT_SHARD_COUNT": "2"}, `SENDBOT_SHARD_ID "2": with SENDBOT_SHARD_COUNT=2 it must be a whole number from 0 to 1`},
		{"negative shard ID", map[string]string{"SENDBOT_SHARD_ID": "-1", "SENDBOT_SHARD_COUNT": "2"}, "from 0 to 1"},
		{"no shards", map[string]string{"SENDBOT_SHARD_ID": "0", "SENDBOT_SHARD_COUNT": "0"}, `SENDBOT_SHARD_COUNT "0": not a whole number of 1 or more`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Read(func(k string) string { return tt.env[k] })
			bc, err := s.Bot()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want one saying %q", err, tt.want)
			case tt.want != "":
				if p := s.Problems(); len(p) != 1 || p[0].Error() != err.Error() {
					t.Errorf("doctor's problems %v, want the one serve stops at", p)
				}
				return
			}
			if tt.env["DISCORD_PUBLIC_KEY"] != "" && len(bc.PublicKey) != 32 {
				t.Errorf("public key %x", bc.PublicKey)
			}
			if tt.env["SENDBOT_SHARD_COUNT"] != "" && (bc.ShardID != 1 || bc.ShardCount != 2) {
				t.Errorf("shard %d of %d, want 1 of 2", bc.ShardID, bc.ShardCount)
			}
		})
	}
}

func TestServeRole(t *testing.T) {
	tests := []struct {
		name, value string
		want        Role
		wantErr     string
	}{
		{name: "unset: all", value: "", want: RoleAll},
		{name: "all", value: "all", want: RoleAll},
		{name: "builder", value: "builder", want: RoleBuilder},
		{name: "replica, any case", value: "Replica", want: RoleReplica},
		{name: "a wrong word", value: "reader", wantErr: `SENDBOT_ROLE "reader": use all`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := with("SENDBOT_ROLE", tt.value).ServeRole()
			if got != tt.want {
				t.Errorf("ServeRole() = %q, want %q", got, tt.want)
			}
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("error %v, want one saying %q", err, tt.wantErr)
			}
		})
	}
}

// TestBuilderKeepsTheIndexItReplaces: only a builder, whose replicas may
// read the shared index from another machine, keeps the index a reindex
// replaces for a while.
func TestBuilderKeepsTheIndexItReplaces(t *testing.T) {
	for role, want := range map[string]time.Duration{"": 0, "all": 0, "replica": 0, "builder": library.ReplacedGrace} {
		lc, err := with("SENDBOT_ROLE", role).Library(nil)
		if err != nil || lc.KeepReplaced != want {
			t.Errorf("SENDBOT_ROLE=%q: KeepReplaced %v, %v; want %v", role, lc.KeepReplaced, err, want)
		}
	}
}
