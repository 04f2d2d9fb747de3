package discordtest

import (
	"crypto/ed25519"
	"encoding/hex"
	"testing"
)

// TestPublicKeyHexIsTheSigningKey checks that a bot configured with
// PublicKeyHex verifies what the Server signs, and nothing else.
func TestPublicKeyHexIsTheSigningKey(t *testing.T) {
	key, err := hex.DecodeString(PublicKeyHex)
	if err != nil || !PublicKey().Equal(ed25519.PublicKey(key)) {
		t.Fatalf("PublicKeyHex %s is not the key the Server signs with (%x)", PublicKeyHex, PublicKey())
	}
	body := []byte(`{"type":1}`)
	sig, _ := hex.DecodeString(Sign("1700000000", body))
	if !ed25519.Verify(key, append([]byte("1700000000"), body...), sig) {
		t.Error("a signature does not verify with PublicKeyHex")
	}
	if ed25519.Verify(key, append([]byte("1700000001"), body...), sig) {
		t.Error("a signature verifies with another timestamp")
	}
}
