package bot

import (
	"context"
	"time"
)

// Uploader keeps the documents moderators add from Discord: it checks a
// file, saves it under a name it makes up, and indexes it without a full
// rebuild; Remove takes one out again.
type Uploader interface {
	// Add checks and saves u and indexes it. Its error, when the file is
	// refused, is a sentence for the moderator (what is wrong, what to do).
	Add(ctx context.Context, u Upload) (UploadResult, error)
	// Remove takes the uploaded document id out of the corpus and the index.
	Remove(ctx context.Context, id string) (UploadResult, error)
	// Uploaded lists the documents added from Discord, newest first.
	Uploaded() []UploadedDoc
}

// Upload is a file a moderator attached to /add-document.
type Upload struct {
	// Filename is the attachment's name as given; only its extension is
	// used (to tell the format), never as a path.
	Filename string
	Data     []byte
	// Title, Area, Kind and SourceURL are the optional command options;
	// empty ones are taken from the file where it has them.
	Title, Area, Kind, SourceURL string
	// By is the moderator's Discord user ID, kept with the document.
	By string
}

// UploadResult is what adding or removing a document did.
type UploadResult struct {
	ID     string // the generated name the document is known by
	Title  string
	Area   string
	Format string // "pdf", "markdown", "html", "text", "oruk"
	// Documents is more than one for a service directory feed.
	Documents int
	Passages  int
	// Problems are things in the file that could not be read, as sentences.
	Problems []string
}

// UploadedDoc is one document added from Discord.
type UploadedDoc struct {
	ID, Title, Area string
	Added           time.Time
}
