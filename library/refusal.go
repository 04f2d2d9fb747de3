package library

import (
	"fmt"

	"github.com/sendbot/sendbot/corpus"
	"github.com/sendbot/sendbot/corpus/fetch"
)

// Why is why an upload or removal was refused.
type Why int

// The reasons an upload or removal is refused, each with the fields of
// Refusal it sets.
const (
	// UnknownFormat is a file of a format uploads do not take: Ext is its
	// extension, lower-case ("" for none). UploadExtensions lists those
	// they do.
	UnknownFormat Why = iota + 1
	// EmptyFile is a file with nothing in it but spaces.
	EmptyFile
	// TooBig is a file of Size bytes, over the Max an upload may be.
	TooBig
	// TitleTooLong is a title option of more than Max characters.
	TitleTooLong
	// BadKind is a kind option that is not one word, or words joined by
	// hyphens.
	BadKind
	// BadSourceURL is a source_url option that is not an http or https
	// address.
	BadSourceURL
	// NoText is a file with no text to quote: Problems and Skips say why.
	NoText
	// NoTitle is a file with no title of its own and no title option.
	NoTitle
	// NoArea is a file with no area of its own and no area option: Areas
	// are the areas there are.
	NoArea
	// NotAPlace is an area that is not a place name: Areas are the areas
	// there are.
	NotAPlace
	// AreaTypo is a new Area one letter or two from Suggest, a known area.
	AreaTypo
	// Rebuilding is the index being rebuilt by another sendbot, so
	// nothing was changed.
	Rebuilding
	// NothingUploaded is a removal when no document has been added.
	NothingUploaded
	// NoSuchUpload is a removal of an ID (as given, lower-case) that no
	// upload has: Uploaded lists those there are, newest first.
	NoSuchUpload
	// BadSiteURL is a site whose start address is not an http or https
	// address of a host, or holds a user name or password.
	BadSiteURL
	// BadScope is a scope that is not a web address or does not hold the
	// start address: Site.Start is the start address and Site.Scope the
	// scope it would have by default.
	BadScope
	// BadMaxPages is a max_pages that is not a whole number from 1 to Max.
	BadMaxPages
	// SiteListed is a site (or scope) listed already: Site is the entry
	// that lists it, with no AddedBy when it is the corpus's sources.yaml.
	SiteListed
	// ProposalGone is a Confirm or Cancel of a proposed site that was
	// confirmed or cancelled already, or has expired.
	ProposalGone
	// NothingAdded is a removal when no site has been added from Discord.
	NothingAdded
	// NoSuchSite is a removal of an ID no added site has: Sites lists
	// those there are, newest first.
	NoSuchSite
	// NotPublic is a site whose address leads only to addresses fetches
	// refuse (loopback, private networks…) and SENDBOT_FETCH_ALLOW does
	// not allow, so nothing of it could be fetched: Site is the site, and
	// NotPublic where its address leads.
	NotPublic
)

// Refusal is an upload or removal refused for a reason the moderator can
// put right. Why says which; the other fields are set as Why's comment
// says. bot words it for the moderator.
type Refusal struct {
	Why      Why
	Ext      string
	Size     int64
	Max      int64
	Problems []corpus.Problem
	Skips    []corpus.Skip
	Area     string
	Suggest  string
	Areas    []string
	ID       string
	Uploaded []UploadedDoc
	Site     Site
	Sites    []Site

	// NotPublic is where a NotPublic site's address leads.
	NotPublic *fetch.NotPublicError
}

func (r *Refusal) Error() string {
	switch r.Why {
	case UnknownFormat:
		return fmt.Sprintf("upload refused: %q is not a format uploads take", r.Ext)
	case EmptyFile:
		return "upload refused: the file is empty"
	case TooBig:
		return fmt.Sprintf("upload refused: %d bytes, over the %d allowed", r.Size, r.Max)
	case TitleTooLong:
		return fmt.Sprintf("upload refused: the title is over %d characters", r.Max)
	case BadKind:
		return "upload refused: the kind is not one word or hyphenated words"
	case BadSourceURL:
		return "upload refused: source_url is not a web address"
	case NoText:
		return fmt.Sprintf("upload refused: no text could be read (%d problems)", len(r.Problems))
	case NoTitle:
		return "upload refused: no title"
	case NoArea:
		return "upload refused: no area"
	case NotAPlace:
		return "upload refused: the area is not a place name"
	case AreaTypo:
		return fmt.Sprintf("upload refused: area %q looks like %q", r.Area, r.Suggest)
	case Rebuilding:
		return "refused: the index is being rebuilt"
	case NothingUploaded:
		return "removal refused: nothing has been uploaded"
	case NoSuchUpload:
		return fmt.Sprintf("removal refused: no upload %q", r.ID)
	case BadSiteURL:
		return "site refused: the start address is not a web address"
	case BadScope:
		return "site refused: the scope does not hold the start address"
	case BadMaxPages:
		return fmt.Sprintf("site refused: max_pages is not a whole number from 1 to %d", r.Max)
	case SiteListed:
		return fmt.Sprintf("site refused: %s is listed already", r.Site.Start)
	case ProposalGone:
		return "refused: the proposed site was confirmed, cancelled or has expired"
	case NothingAdded:
		return "removal refused: no site has been added"
	case NoSuchSite:
		return fmt.Sprintf("removal refused: no added site %q", r.ID)
	case NotPublic:
		return fmt.Sprintf("site refused: %s %v", r.Site.Start, r.NotPublic)
	}
	return "refused"
}
