package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

// Version returns the version and, when built from git, the commit.
func Version() string {
	v := version
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
	}
	return v
}

func (m *Main) runVersion(args []string) error {
	fs, _ := m.flagSet("version")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "cnsbot %s %s\n", Version(), runtime.Version())
	return nil
}
