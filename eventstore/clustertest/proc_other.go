//go:build !linux

package clustertest

import "syscall"

// dieWithParent is Linux only; elsewhere the test's cleanup kills the
// servers.
func dieWithParent() *syscall.SysProcAttr { return nil }
