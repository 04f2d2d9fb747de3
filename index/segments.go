package index

import (
	"github.com/blevesearch/bleve/v2/index/scorch"

	zap "github.com/sendbot/sendbot/third_party/zapx"
)

// Every index is written and read with sendbot's copy of zapx v17, bleve's
// segment format (third_party/zapx; its SENDBOT.md says what differs from
// upstream). It has the same type and version as bleve's own and writes
// the same files, so registering it replaces bleve's for every index, old
// or new, and any other version stays bleve's.
func init() {
	scorch.RegisterSegmentPlugin(&zap.ZapPlugin{}, true)
}
