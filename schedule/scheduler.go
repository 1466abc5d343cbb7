package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"cnsbot"
)

// Defaults of the Scheduler's durations.
const (
	DefaultCatchUp = time.Hour
	DefaultRefresh = time.Minute
)

// finishTimeout bounds recording a run's outcome once its context ended
// (a shutdown while the runner worked).
const finishTimeout = 10 * time.Second

// Runner does what a schedule's slot asks: works out the audience and
// queues the messages (in the outbox). It returns the batch it queued, 0
// when nothing was sent, and the number of recipients. key is "" for a
// cron slot; for a run started by an update (RunNow) it names that update,
// and the batch carries it: run again with the same key, the Runner
// returns the batch queued the first time instead of queueing another.
type Runner interface {
	RunSchedule(ctx context.Context, s *cnsbot.Schedule, slot time.Time, key string) (batchID int64, recipients int, err error)
}

// Scheduler fires the slots of the stored schedules: every slot of an
// unpaused schedule once, across restarts and processes, by claiming it in
// the Store before the Runner runs. Set the fields, then call Run in a
// goroutine; RunNow, Reload and NextRuns may be called meanwhile from
// other goroutines.
type Scheduler struct {
	// Store holds the schedules and claims their slots; every process
	// running a Scheduler on the same database shares the claims.
	Store cnsbot.ScheduleService

	// Runner runs a claimed slot.
	Runner Runner

	// Location is the zone of the cron specs; nil is Asia/Ho_Chi_Minh.
	Location *time.Location

	// Now returns the current time; nil is time.Now.
	Now func() time.Time

	// Timer returns a channel that receives once the clock of Now reaches
	// at, and a function that stops it. nil uses time.NewTimer. Tests give
	// a fake clock's; the deadline is absolute so that a fake clock moved
	// while Run computes it still wakes Run.
	Timer func(at time.Time) (<-chan time.Time, func())

	// Logger gets the fired, failed and skipped slots; nil is slog.Default().
	Logger *slog.Logger

	// CatchUp is how late a slot may still fire: after a restart (Run
	// starts by considering the slots of the last CatchUp) or after the
	// process stalled. A slot missed by more is skipped and logged. 0 is
	// DefaultCatchUp; less than a minute counts as a minute.
	CatchUp time.Duration

	// Refresh is the longest Run sleeps before reading the schedules
	// again, so that changes made through another process (which calls
	// Reload on its own scheduler only) are seen; also the delay before
	// retrying after a store error. 0 is DefaultRefresh.
	Refresh time.Duration

	once   sync.Once
	reload chan struct{}

	mu    sync.Mutex
	specs map[string]*cron.SpecSchedule // by schedule name, paused ones too: for NextRuns
	bad   map[string]string             // name → the invalid cron already logged
}

// entry is a loaded schedule with its parsed spec.
type entry struct {
	s    *cnsbot.Schedule
	spec *cron.SpecSchedule
}

func (s *Scheduler) init() {
	s.once.Do(func() { s.reload = make(chan struct{}, 1) })
}

func (s *Scheduler) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Scheduler) location() *time.Location {
	if s.Location == nil {
		return vietnam
	}
	return s.Location
}

func (s *Scheduler) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

func (s *Scheduler) catchUp() time.Duration {
	switch {
	case s.CatchUp == 0:
		return DefaultCatchUp
	case s.CatchUp < time.Minute:
		return time.Minute
	}
	return s.CatchUp
}

func (s *Scheduler) refresh() time.Duration {
	if s.Refresh <= 0 {
		return DefaultRefresh
	}
	return s.Refresh
}

func (s *Scheduler) timer(at time.Time) (<-chan time.Time, func()) {
	if s.Timer != nil {
		return s.Timer(at)
	}
	t := time.NewTimer(at.Sub(s.now()))
	return t.C, func() { t.Stop() }
}

// Reload tells Run that the schedules changed (paused, resumed, upserted):
// it reads them again at once instead of at its next wake-up. It does not
// block.
func (s *Scheduler) Reload() {
	s.init()
	select {
	case s.reload <- struct{}{}:
	default:
	}
}

// Run fires the schedules' slots until ctx ends, then returns ctx's error.
//
// Run keeps a cursor: every slot up to it has been considered. It starts at
// now minus CatchUp, so that a slot missed while no process ran fires late,
// once, if it is recent enough. Each round reads the schedules, takes the
// earliest next slot after the cursor among the unpaused ones and sleeps
// until it (at most Refresh; Reload wakes it early). When the slot is due,
// each schedule of that slot is claimed in the Store, and only the claimant
// runs the Runner and records the outcome with FinishRun; a Runner error is
// recorded, not retried (the outbox retries sends). The cursor then moves to
// the slot. A store error while claiming leaves the cursor, so the slot is
// claimed again after Refresh: claims are idempotent.
func (s *Scheduler) Run(ctx context.Context) error {
	s.init()
	log := s.logger()
	// Slots are computed, passed and logged in Location.
	cursor := s.now().In(s.location()).Add(-s.catchUp())
	first := true
	for {
		entries, err := s.load(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			log.Error("load schedules", cnsbot.LogError, err)
			if err := s.wait(ctx, s.now().Add(s.refresh())); err != nil {
				return err
			}
			continue
		}
		if first {
			first = false
			s.logMissed(ctx, entries, cursor)
		}

		now := s.now().In(s.location())
		next, due := earliest(entries, cursor)
		switch {
		case next.IsZero() || next.After(now):
			// Nothing is due: no slot of these schedules lies in
			// (cursor, now], so a schedule added later cannot fire for
			// a past slot.
			if now.After(cursor) {
				cursor = now
			}
			at := now.Add(s.refresh())
			if !next.IsZero() && next.Before(at) {
				at = next
			}
			if err := s.wait(ctx, at); err != nil {
				return err
			}

		case now.Sub(next) > s.catchUp():
			// Stalled (suspended, a long store outage): skip every slot
			// before the catch-up window at once, one line per schedule.
			from := now.Add(-s.catchUp())
			for _, e := range entries {
				if t := e.spec.Next(cursor); !t.IsZero() && !t.After(from) {
					log.Warn("schedule slots skipped: missed by more than the catch-up",
						cnsbot.LogSchedule, e.s.Name, cnsbot.LogFirstMissed, t, cnsbot.LogCatchUpFrom, from)
				}
			}
			cursor = from

		default:
			failed := false
			for _, e := range due {
				if _, _, err := s.fire(ctx, e.s, next, ""); err != nil {
					if ctx.Err() != nil {
						return ctx.Err()
					}
					log.Error("claim schedule slot", cnsbot.LogSchedule, e.s.Name, cnsbot.LogSlot, next, cnsbot.LogError, err)
					failed = true
				}
			}
			if !failed {
				cursor = next
			} else if err := s.wait(ctx, now.Add(s.refresh())); err != nil {
				return err
			}
		}
	}
}

// wait sleeps until at, until Reload, or until ctx ends.
func (s *Scheduler) wait(ctx context.Context, at time.Time) error {
	c, stop := s.timer(at)
	defer stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c:
	case <-s.reload:
	}
	return nil
}

// load reads the schedules, remembers every valid spec for NextRuns and
// returns the unpaused schedules with a valid spec. An invalid cron (the
// store does not parse it) is logged once and left out.
func (s *Scheduler) load(ctx context.Context) ([]entry, error) {
	ss, err := s.Store.FindSchedules(ctx)
	if err != nil {
		return nil, err
	}
	loc := s.location()
	specs := make(map[string]*cron.SpecSchedule, len(ss))
	var entries []entry

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bad == nil {
		s.bad = make(map[string]string)
	}
	for _, sc := range ss {
		spec, err := Parse(sc.Cron)
		if err != nil {
			if s.bad[sc.Name] != sc.Cron {
				s.bad[sc.Name] = sc.Cron
				s.logger().Error("schedule not run: invalid cron", cnsbot.LogSchedule, sc.Name, cnsbot.LogCron, sc.Cron, cnsbot.LogError, err)
			}
			continue
		}
		delete(s.bad, sc.Name)
		spec.Location = loc
		specs[sc.Name] = spec
		if !sc.Paused {
			entries = append(entries, entry{s: sc, spec: spec})
		}
	}
	s.specs = specs
	return entries, nil
}

// earliest returns the first slot after cursor among entries, and the
// entries whose next slot it is; the zero time when none fires.
func earliest(entries []entry, cursor time.Time) (time.Time, []entry) {
	var next time.Time
	var due []entry
	for _, e := range entries {
		t := e.spec.Next(cursor)
		switch {
		case t.IsZero():
		case next.IsZero() || t.Before(next):
			next, due = t, []entry{e}
		case t.Equal(next):
			due = append(due, e)
		}
	}
	return next, due
}

// logMissed logs, at start, the schedules whose slots were missed before
// the catch-up window (from): those whose latest recorded cron run is
// followed by a slot before from. The runs are not claimed or recorded.
func (s *Scheduler) logMissed(ctx context.Context, entries []entry, from time.Time) {
	runs, err := s.Store.LastRuns(ctx, 200)
	if err != nil {
		s.logger().Error("find last schedule runs", cnsbot.LogError, err)
		return
	}
	last := make(map[int64]time.Time)
	for _, r := range runs { // newest first
		if _, ok := last[r.ScheduleID]; !ok && !IsManual(r.Slot) {
			last[r.ScheduleID] = r.Slot.In(s.location())
		}
	}
	for _, e := range entries {
		l, ok := last[e.s.ID]
		if !ok {
			continue
		}
		if missed := e.spec.Next(l); !missed.IsZero() && !missed.After(from) {
			s.logger().Warn("schedule slots skipped: missed by more than the catch-up while no scheduler ran",
				cnsbot.LogSchedule, e.s.Name, cnsbot.LogFirstMissed, missed, cnsbot.LogLastRun, l, cnsbot.LogCatchUpFrom, from)
		}
	}
}

// fire claims the slot and, when this call won it, runs the schedule and
// records the run; run is nil when the slot was already taken. err is a
// claim error; the Runner's error is returned as runErr and recorded in
// run.Error. A run with a key (RunNow's) claims with ClaimKeyedSlot: the
// same key goes on in the slot it claimed before.
func (s *Scheduler) fire(ctx context.Context, sc *cnsbot.Schedule, slot time.Time, key string) (run *cnsbot.ScheduleRun, runErr, err error) {
	log := s.logger()
	now := s.now()
	var ok bool
	if key == "" {
		ok, err = s.Store.ClaimSlot(ctx, sc.ID, slot, now)
	} else {
		slot, ok, err = s.Store.ClaimKeyedSlot(ctx, sc.ID, slot, now, key)
	}
	if err != nil {
		return nil, nil, err
	} else if !ok {
		log.Debug("schedule slot taken by another run", cnsbot.LogSchedule, sc.Name, cnsbot.LogSlot, slot)
		return nil, nil, nil
	}

	run = &cnsbot.ScheduleRun{ScheduleID: sc.ID, Slot: slot, StartedAt: now}
	run.BatchID, run.Recipients, runErr = s.runSchedule(ctx, sc, slot, key)
	if runErr != nil {
		run.Error = runErr.Error()
		log.Error("run schedule", cnsbot.LogSchedule, sc.Name, cnsbot.LogSlot, slot, cnsbot.LogError, runErr)
	} else {
		log.Info("schedule fired", cnsbot.LogSchedule, sc.Name, cnsbot.LogSlot, slot, cnsbot.LogBatchID, run.BatchID, cnsbot.LogRecipients, run.Recipients)
	}

	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	if err := s.Store.FinishRun(fctx, run); err != nil {
		log.Error("finish schedule run", cnsbot.LogSchedule, sc.Name, cnsbot.LogSlot, slot, cnsbot.LogError, err)
	}
	return run, runErr, nil
}

// runSchedule calls the Runner, turning a panic into an error so that one
// bad run does not stop the scheduler.
func (s *Scheduler) runSchedule(ctx context.Context, sc *cnsbot.Schedule, slot time.Time, key string) (batchID int64, recipients int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("run schedule %q: panic: %v", sc.Name, r)
		}
	}()
	return s.Runner.RunSchedule(ctx, sc, slot, key)
}

// RunNow runs the named schedule at once, paused or not, in the manual slot
// of the current minute (ManualSlot), claimed and recorded like a cron
// slot; the cron slots are unaffected. It returns the recorded run; when
// the Runner fails, the run (with its Error) and the error. ENOTFOUND for
// an unknown name; ECONFLICT when the schedule already ran by hand in this
// minute.
//
// key names the update that asks (a button press; "" for none). The same
// key given again — the press handled again after a crash — is not refused:
// the run goes on in the slot that key claimed, and the Runner, given the
// key, finds the batch it queued then instead of queueing a second one.
func (s *Scheduler) RunNow(ctx context.Context, name, key string) (*cnsbot.ScheduleRun, error) {
	sc, err := s.Store.FindScheduleByName(ctx, name)
	if err != nil {
		return nil, err
	}
	slot := ManualSlot(s.now().In(s.location()))
	run, runErr, err := s.fire(ctx, sc, slot, key)
	if err != nil {
		return nil, fmt.Errorf("run schedule %q now: %w", name, err)
	} else if run == nil {
		e := cnsbot.Errorf(cnsbot.ECONFLICT, "error.conflict")
		e.Err = fmt.Errorf("run schedule %q now: already run by hand at %s", name, slot.In(s.location()).Format("15:04"))
		return nil, e
	} else if runErr != nil {
		return run, fmt.Errorf("run schedule %q now: %w", name, runErr)
	}
	return run, nil
}

// NextRuns returns the next slot after now of every schedule Run last read,
// by name, in Location; paused schedules are included (the caller knows
// which are paused), schedules with an invalid cron are not. It is empty
// until Run has read the schedules.
func (s *Scheduler) NextRuns(now time.Time) map[string]time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := make(map[string]time.Time, len(s.specs))
	for name, spec := range s.specs {
		if t := spec.Next(now); !t.IsZero() {
			next[name] = t.In(spec.Location)
		}
	}
	return next
}
