package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jedib0t/go-pretty/v6/table"
	"github.com/spf13/cobra"

	"github.com/keyprojects/ledger/domain"
	"github.com/keyprojects/ledger/eventstore"
	"github.com/keyprojects/ledger/eventstore/access"
)

// usersCommand is `ledger auth user`: the people who sign in to the web
// board.
func (a *app) usersCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "user",
		Short: "People who sign in to the web board (登录用户), each with a role",
		Long: `user adds, lists and removes the people who sign in to the web board. Each
has a login, a name that the board shows and that events they record carry
as their actor, and one role:
  viewer (领导查看)   reads every page and downloads; writes nothing
  reporter (报表)     the same, for the reporting job's people
  unit_reporter (单位填报)
                      a responsible unit's clerk, bound to its units (--unit):
                      sees only their projects, and reports their steps (with
                      photos and files), investment, explanations of delays
                      and requests for new deadlines
  inspector (督查)    also raises and closes supervision items (挂账督办, 销号)
  recorder (录入)     the same as inspector, for the 重点办's clerks; also
                      records steps and approves or refuses the new deadlines
                      units ask for
  auditor (审计)      also verifies the hash chain from the audit page
Once anybody is registered, every page of the board asks to sign in; with
nobody registered the board is read-only and open to whoever reaches it
(it listens on loopback unless told otherwise). Passwords are kept as
bcrypt hashes in the bucket <stream>_USERS, which only the service reads.`,
	}
	var name, role string
	var units []string
	var fromStdin bool
	add := &cobra.Command{
		Use:   "add LOGIN --role ROLE [--unit UNIT ...] [--name NAME]",
		Short: "Register a person; prints a generated password once, unless --password-stdin",
		Example: `  ledger auth user add li.xianzhang --role viewer --name 李县长
  ledger auth user add zhangsan --role 督查 --name 张三
  ledger auth user add gxj.wang --role 单位填报 --unit 县工信局 --name 王芳
  printf '%s\n' "$PASSWORD" | ledger auth user add wangwu --role recorder --password-stdin`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if role == "" {
				return usageError{errors.New("--role is required: viewer, reporter, unit_reporter, inspector, recorder or auditor (领导查看, 报表, 单位填报, 督查, 录入, 审计)")}
			}
			r, err := access.ParsePersonRole(role)
			if err != nil {
				return usageError{fmt.Errorf("--role: %s", strings.TrimPrefix(err.Error(), access.ErrBadUser.Error()+": "))}
			}
			switch {
			case r == access.UnitReporter && len(units) == 0:
				return usageError{errors.New("--unit is required for a unit reporter (单位填报): the responsible unit(s) they report for, e.g. --unit 县工信局")}
			case r != access.UnitReporter && len(units) > 0:
				return usageError{fmt.Errorf("--unit binds a unit reporter (单位填报) to units; a %s sees every unit", r)}
			}
			password, generated, err := a.newPassword(fromStdin)
			if err != nil {
				return err
			}
			return a.withStore(cmd.Context(), func(s *eventstore.Store) error {
				canonical, err := canonicalUnits(cmd.Context(), s, units)
				if err != nil {
					return err
				}
				u, err := access.OpenUsers(cmd.Context(), s.JetStream(), a.stream, true, a.passwordCost)
				if err != nil {
					return err
				}
				user, err := u.Add(cmd.Context(), args[0], name, r, password, a.clock.Now(), canonical...)
				if err != nil {
					return usersError(err)
				}
				fmt.Fprintf(a.stdout, "added %s (%s), role %s (%s)", user.Login, user.Name, user.Role, user.Role.Chinese())
				if len(user.Units) > 0 {
					fmt.Fprintf(a.stdout, ", units %s", strings.Join(user.Units, ", "))
				}
				fmt.Fprintln(a.stdout)
				if generated {
					fmt.Fprintf(a.stdout, "password: %s\n(shown once: hand it to %s; change it with `ledger auth user password %s`)\n", password, user.Name, user.Login)
				}
				return nil
			})
		},
	}
	add.Flags().StringVar(&role, "role", "", "viewer, reporter, unit_reporter, inspector, recorder or auditor (or 领导查看, 报表, 单位填报, 督查, 录入, 审计)")
	add.Flags().StringArrayVar(&units, "unit", nil, "unit_reporter: a responsible unit they report for, as the unit register names it (repeat the flag for each)")
	add.Flags().StringVar(&name, "name", "", "the person's name as the board shows it and events record it (default: the login)")
	add.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input instead of generating one")

	password := &cobra.Command{
		Use:   "password LOGIN",
		Short: "Give a person a new password; prints a generated one once, unless --password-stdin",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pw, generated, err := a.newPassword(fromStdin)
			if err != nil {
				return err
			}
			return a.withUsers(cmd.Context(), func(u *access.Users) error {
				if err := u.SetPassword(cmd.Context(), args[0], pw); err != nil {
					return usersError(err)
				}
				fmt.Fprintf(a.stdout, "new password for %s", args[0])
				if generated {
					fmt.Fprintf(a.stdout, ": %s (shown once)", pw)
				}
				fmt.Fprintln(a.stdout)
				return nil
			})
		},
	}
	password.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input instead of generating one")

	list := &cobra.Command{
		Use:   "list",
		Short: "List the people who may sign in, with their roles",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withUsers(cmd.Context(), func(u *access.Users) error {
				users, err := u.List(cmd.Context())
				if err != nil {
					return err
				}
				if len(users) == 0 {
					fmt.Fprintln(a.stdout, "nobody is registered: the web board is read-only and needs no sign-in")
					return nil
				}
				t := a.newTable("login", "name", "role", "added", "units")
				for _, us := range users {
					t.AppendRow(table.Row{us.Login, us.Name, string(us.Role) + " (" + us.Role.Chinese() + ")", us.Added.In(shanghai()).Format("2006-01-02 15:04"), strings.Join(us.Units, "、")})
				}
				t.Render()
				return nil
			})
		},
	}
	remove := &cobra.Command{
		Use:   "remove LOGIN",
		Short: "Remove a person; their open board sessions end at their next request",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withUsers(cmd.Context(), func(u *access.Users) error {
				if err := u.Remove(cmd.Context(), args[0]); err != nil {
					return usersError(err)
				}
				fmt.Fprintf(a.stdout, "removed %s\n", args[0])
				return nil
			})
		},
	}
	c.AddCommand(add, password, list, remove)
	return c
}

// withUsers runs fn on the users register of the ledger.
func (a *app) withUsers(ctx context.Context, fn func(*access.Users) error) error {
	return a.withStore(ctx, func(s *eventstore.Store) error {
		u, err := access.OpenUsers(ctx, s.JetStream(), a.stream, true, a.passwordCost)
		if err != nil {
			return err
		}
		return fn(u)
	})
}

// canonicalUnits returns units in the unit register's canonical names,
// refusing a name it does not know with the closest ones; while the
// register holds no unit, names are taken as given.
func canonicalUnits(ctx context.Context, s *eventstore.Store, units []string) ([]string, error) {
	if len(units) == 0 {
		return nil, nil
	}
	reg, err := loadUnits(ctx, s)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(units))
	for _, name := range units {
		c, err := reg.Resolve(domain.NameUnit, name)
		if err != nil {
			return nil, usageError{fmt.Errorf("--unit: %w", err)}
		}
		if c == "" {
			return nil, usageError{errors.New("--unit: a unit name is empty")}
		}
		out = append(out, c)
	}
	return out, nil
}

// newPassword is the password to set: the first line of stdin, or a
// generated one (then generated is set).
func (a *app) newPassword(fromStdin bool) (pw string, generated bool, err error) {
	if !fromStdin {
		pw, err := access.NewPassword()
		return pw, true, err
	}
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", false, usageError{errors.New("--password-stdin: standard input holds no password")}
	}
	pw = strings.TrimRight(line, "\r\n")
	if len([]rune(pw)) < access.MinPasswordLength {
		return "", false, usageError{fmt.Errorf("--password-stdin: the password has fewer than %d characters", access.MinPasswordLength)}
	}
	return pw, false, nil
}

// usersError words an error of the users register for the command line.
func usersError(err error) error {
	if errors.Is(err, access.ErrBadUser) {
		return usageError{err}
	}
	return err
}
