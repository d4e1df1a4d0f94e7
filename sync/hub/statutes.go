package hub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"jiefang/assets"
	"jiefang/legal"
)

// StatutesPath is where the hub serves the statute pages (legal.Pages),
// to anyone: statutes are public, and the pages carry nothing of a case.
// A QR code printed for a petitioner links BASE_URL + StatutesPath + id.
const StatutesPath = "/statutes/"

// DefaultStatutesCheck is how often at most the statute pages look for
// laws imported since the library was built.
const DefaultStatutesCheck = 15 * time.Second

// Statutes is the library the hub's statute pages show: the summaries
// shipped in assets.Statutes merged with the official texts imported
// into the hub's database (ImportLaw).
//
// An import may come from another process on the same database
// (jiefang-hub legal import while serve runs), so Library asks the
// database for its LawsGeneration — one read of a row by its key — at
// most once every check interval, in the request that finds the check
// due, while other requests go on with the library they have; when the
// generation has moved, that request rebuilds the library from the
// stored laws and swaps it in. An import is thus on the pages within
// the interval of the next page request.
type Statutes struct {
	store   *Store
	shipped []*legal.Law
	every   time.Duration
	log     *slog.Logger

	lib atomic.Pointer[legal.Library]

	mu      sync.Mutex // one check at a time; guards gen and checked
	gen     int64      // the LawsGeneration the library was built at
	checked time.Time
}

// NewStatutes builds the library from the shipped summaries and the laws
// stored in store. every is how often at most Library checks for an
// import (0: on every call). A stored law that does not read is logged
// and left out.
func NewStatutes(ctx context.Context, store *Store, every time.Duration, log *slog.Logger) (*Statutes, error) {
	shipped, err := legal.LoadShipped(assets.Statutes)
	if err != nil {
		return nil, fmt.Errorf("hub: statutes: %w", err)
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	st := &Statutes{store: store, shipped: shipped, every: every, log: log, gen: -1}
	if err := st.Reload(ctx); err != nil {
		return nil, err
	}
	return st, nil
}

// Library is the current library, checked for imports first when the
// last check is older than the interval (and no other check is under
// way). A failed check is logged, and the library at hand served.
func (st *Statutes) Library() *legal.Library {
	if st.mu.TryLock() {
		if now := time.Now(); now.Sub(st.checked) >= st.every {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			if err := st.reload(ctx, now); err != nil {
				st.log.Error("statutes: check for imported laws", "err", err)
			}
			cancel()
		}
		st.mu.Unlock()
	}
	return st.lib.Load()
}

// Reload checks for imported laws now, and rebuilds the library if any
// came since it was built.
func (st *Statutes) Reload(ctx context.Context) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.reload(ctx, time.Now())
}

func (st *Statutes) reload(ctx context.Context, now time.Time) error {
	st.checked = now
	gen, err := st.store.LawsGeneration(ctx)
	if err != nil {
		return err
	}
	if gen == st.gen {
		return nil
	}
	imported, err := st.store.ImportedLaws(ctx)
	if err != nil && !errors.Is(err, ErrUnreadableLaw) {
		return err
	}
	if err != nil {
		st.log.Error("statutes: stored laws left out", "err", err)
	}
	lib, err := legal.NewLibrary(st.shipped, imported)
	if err != nil {
		return fmt.Errorf("hub: statutes: %w", err)
	}
	st.lib.Store(lib)
	st.gen = gen
	st.log.Info("statutes", "laws", len(lib.Laws()), "imported", len(imported), "generation", gen)
	return nil
}
