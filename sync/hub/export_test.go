package hub

// SetBeforeCommit makes every push run f inside its transaction just
// before committing (fault tests).
func SetBeforeCommit(s *Store, f func()) { s.beforeCommit = f }

// SetScreening turns breadth screening after pushes on or off.
func SetScreening(s *Store, on bool) { s.screeningOff.Store(!on) }
