package main

import (
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/eventstore"
)

// repairCommand groups the commands that put back what was changed
// outside the ledger.
func (a *app) repairCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "repair",
		Short: "Put back what was changed outside the ledger (the stream's configuration)",
	}
	c.AddCommand(a.repairStreamConfigCommand())
	return c
}

func (a *app) repairStreamConfigCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "stream-config",
		Short: "Put the ledger stream's configuration back to what the ledger gives it; lost events stay reported",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			// Only the admin user may change the stream's settings on the
			// embedded server (on a shared server: give its admin login).
			c, err := a.connectAs(eventstore.AdminUser)
			if err != nil {
				return err
			}
			defer c.close()
			js, err := jetstream.New(c.nc)
			if err != nil {
				return fmt.Errorf("jetstream: %w", err)
			}
			spec := eventstore.StreamSpec{Name: a.stream, Replicas: a.replicas}
			changed, err := eventstore.RepairStreamConfig(ctx, js, spec)
			if err != nil {
				return err
			}
			if len(changed) == 0 {
				fmt.Fprintf(a.stdout, "stream %s already has the ledger's configuration\n", a.stream)
			}
			for _, ch := range changed {
				fmt.Fprintf(a.stdout, "put back: %s\n", ch)
			}
			// What the changed settings removed stays gone: say so now.
			_, err = eventstore.EnsureStream(ctx, js, spec)
			return err
		},
	}
}
