package hub

// SetBeforeCommit makes every push run f inside its transaction just
// before committing (fault tests).
func SetBeforeCommit(s *Store, f func()) { s.beforeCommit = f }
