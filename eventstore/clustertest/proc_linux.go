package clustertest

import "syscall"

// dieWithParent makes the kernel kill a server if the test process dies
// first (a test binary killed by its timeout runs no cleanup).
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
