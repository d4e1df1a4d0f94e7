package hub

// SetBeforeCommit makes every push run f inside its transaction just
// before committing (fault tests).
func SetBeforeCommit(s *Store, f func()) { s.beforeCommit = f }

// SetScreening turns breadth screening after pushes on or off.
func SetScreening(s *Store, on bool) { s.screeningOff.Store(!on) }

// SetBeforeWarm makes WarmScreening's build run f first (tests of
// pushes that arrive meanwhile).
func SetBeforeWarm(s *Store, f func()) { s.beforeWarm = f }
