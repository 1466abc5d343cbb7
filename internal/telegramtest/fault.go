package telegramtest

// FaultFunc decides the answer to one call: method as sent, the request's
// chat_id (0 when absent) and attempt, the number of earlier calls of the
// same method to the same chat (0 for the first). It returns 0 to let the
// call through, or an error code as for FailNext (429 with retryAfter
// seconds, 403 blocked, 5xx…). Deciding by a hash of chatID and attempt
// gives a fault pattern that is the same on every run, whatever the order
// in which a concurrent sender makes its calls.
type FaultFunc func(method string, chatID int64, attempt int) (code, retryAfter int)

type faultKey struct {
	method string
	chat   int64
}

// SetFault installs f to decide every call not already failed by FailNext
// or FailChat; nil removes it. f runs under the server's lock and must not
// call the Server's methods. Attempts are counted from the first call after
// the first SetFault.
func (s *Server) SetFault(f FaultFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
	if s.attempts == nil {
		s.attempts = map[faultKey]int{}
	}
}

func (s *Server) faultLocked(req *Request, lower string) *apiError {
	if s.fault == nil {
		return nil
	}
	chat := req.ChatID()
	k := faultKey{lower, chat}
	attempt := s.attempts[k]
	s.attempts[k] = attempt + 1
	if code, retryAfter := s.fault(req.Method, chat, attempt); code != 0 {
		return errorFor(code, retryAfter)
	}
	return nil
}
