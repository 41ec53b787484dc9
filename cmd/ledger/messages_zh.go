package main

import (
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/keyprojects/ledger/domain"
)

// chineseMessage is err as one line in Chinese: the domain's own Chinese
// where the error has one, and otherwise the command line's, the
// operating system's and the network's usual English messages put into
// Chinese. A message nobody translated is left as it is.
func chineseMessage(err error) string {
	msg := oneLine(domain.Chinese(err))
	for _, t := range wholeMessages() {
		if m := t.re.FindStringSubmatch(msg); m != nil {
			return t.zh(m)
		}
	}
	for _, t := range phrases() {
		msg = t.re.ReplaceAllString(msg, t.zh)
	}
	return msg
}

// wholeMessage is a message of the command line (cobra, pflag) and how
// to say it in Chinese.
type wholeMessage struct {
	re *regexp.Regexp
	zh func(m []string) string
}

// flagList turns pflag's and cobra's `"a" "b"` or `[a b]` into --a、--b.
func flagList(s string) string {
	s = strings.Trim(s, "[]")
	var out []string
	for _, f := range strings.Fields(strings.NewReplacer(`"`, " ", ",", " ").Replace(s)) {
		out = append(out, "--"+strings.TrimPrefix(f, "--"))
	}
	return strings.Join(out, "、")
}

// numberKind names in Chinese what a flag of a Go parse error expects.
func numberKind(parser string) string {
	switch {
	case strings.Contains(parser, "ParseInt"), strings.Contains(parser, "ParseUint"), strings.Contains(parser, "Atoi"):
		return "整数"
	case strings.Contains(parser, "ParseFloat"):
		return "数字"
	case strings.Contains(parser, "ParseBool"):
		return "true 或 false"
	case strings.Contains(parser, "ParseDuration"), strings.Contains(parser, "time:"):
		return "时长，如 30s、5m、2h"
	}
	return "合法的值"
}

var usageTail = `(?:; usage: (.+))?$`

func withUsage(zh string, usage string) string {
	if usage == "" {
		return zh
	}
	return zh + "；用法：" + usage
}

// wholeMessages are compiled on first use: only a message shown in Chinese
// needs them, and compiling them cost every start of the ledger 2 ms.
var wholeMessages = sync.OnceValue(func() []wholeMessage {
	return []wholeMessage{
		{regexp.MustCompile(`^unknown command "([^"]+)" for "([^"]+)"\s*(?:Did you mean this\?\s*(.+?))?\s*$`), func(m []string) string {
			s := "“" + m[2] + "”没有子命令“" + m[1] + "”"
			if m[3] != "" {
				return s + "；是否要输入：" + strings.Join(strings.Fields(m[3]), "、") + "？"
			}
			return s + "；用 " + m[2] + " --help 查看可用的命令"
		}},
		{regexp.MustCompile(`^unknown flag: (--\S+)(?: \(did you mean (.+)\?\))?$`), func(m []string) string {
			if m[2] != "" {
				return "未知的选项 " + m[1] + "；是否要输入 " + strings.ReplaceAll(m[2], " or ", " 或 ") + "？"
			}
			return "未知的选项 " + m[1] + "；用 --help 查看此命令的选项"
		}},
		{regexp.MustCompile(`^unknown shorthand flag: '(.)' in (\S+)$`), func(m []string) string {
			if m[2] != "-"+m[1] {
				return "未知的短选项 -" + m[1] + "（在 " + m[2] + " 中）；用 --help 查看此命令的选项"
			}
			return "未知的短选项 -" + m[1] + "；用 --help 查看此命令的选项"
		}},
		{regexp.MustCompile(`^flag needs an argument: '?-?-?([^' ]+)'?(?: in -\S+)?$`), func(m []string) string {
			name := m[1]
			if len(name) == 1 {
				return "选项 -" + name + " 需要一个值"
			}
			return "选项 --" + name + " 需要一个值"
		}},
		{regexp.MustCompile(`^invalid argument "([^"]*)" for "([^"]+)" flag: (.*)$`), func(m []string) string {
			flag := m[2]
			if i := strings.Index(flag, ", "); i >= 0 {
				flag = flag[i+2:] // "-n, --limit"
			}
			return "选项 " + flag + " 的值“" + m[1] + "”无效；应为" + numberKind(m[3])
		}},
		{regexp.MustCompile(`^required flag\(s\) (.+) not set$`), func(m []string) string {
			return "缺少必填的选项：" + flagList(m[1])
		}},
		{regexp.MustCompile(`^if any flags in the group \[([^\]]+)\] are set none of the others can be; \[([^\]]+)\] were all set$`), func(m []string) string {
			return "选项 " + flagList(m[2]) + " 只能选用其一"
		}},
		{regexp.MustCompile(`^if any flags in the group \[([^\]]+)\] are set they must all be set; missing \[([^\]]+)\]$`), func(m []string) string {
			return "选项 " + flagList(m[1]) + " 须一起给出；缺少 " + flagList(m[2])
		}},
		{regexp.MustCompile(`^at least one of the flags in the group \[([^\]]+)\] is required$`), func(m []string) string {
			return "选项 " + flagList(m[1]) + " 至少要给出一个"
		}},
		{regexp.MustCompile(`^(?:(.+?): )?accepts (\d+) arg\(s\), received (\d+)` + usageTail), func(m []string) string {
			return withUsage(prefixed(m[1], "需要 "+m[2]+" 个参数，实际给了 "+m[3]+" 个"), m[4])
		}},
		{regexp.MustCompile(`^(?:(.+?): )?accepts at most (\d+) arg\(s\), received (\d+)` + usageTail), func(m []string) string {
			return withUsage(prefixed(m[1], "最多 "+m[2]+" 个参数，实际给了 "+m[3]+" 个"), m[4])
		}},
		{regexp.MustCompile(`^(?:(.+?): )?requires at least (\d+) arg\(s\), only received (\d+)` + usageTail), func(m []string) string {
			return withUsage(prefixed(m[1], "至少需要 "+m[2]+" 个参数，实际给了 "+m[3]+" 个"), m[4])
		}},
		{regexp.MustCompile(`^(?:(.+?): )?accepts between (\d+) and (\d+) arg\(s\), received (\d+)` + usageTail), func(m []string) string {
			return withUsage(prefixed(m[1], "需要 "+m[2]+" 至 "+m[3]+" 个参数，实际给了 "+m[4]+" 个"), m[5])
		}},
		{regexp.MustCompile(`^(?:(.+?): )?unknown command "([^"]+)" for "([^"]+)"` + usageTail), func(m []string) string {
			return withUsage(prefixed(m[1], "“"+m[3]+"”没有子命令“"+m[2]+"”"), m[4])
		}},
		{regexp.MustCompile(`^interrupted \(SIGINT or SIGTERM\) before the command finished$`), func([]string) string {
			return "命令未完成即被中断（SIGINT 或 SIGTERM）"
		}},
	}
})

func prefixed(prefix, s string) string {
	if prefix == "" {
		return s
	}
	return prefix + "：" + s
}

// phrase is an English phrase of the operating system, the network or
// NATS inside a longer message, and its Chinese.
type phrase struct {
	re *regexp.Regexp
	zh string
}

var phrases = sync.OnceValue(func() []phrase {
	return []phrase{
		{regexp.MustCompile(`\bopen (\S+): no such file or directory`), "打不开 $1：文件或文件夹不存在"},
		{regexp.MustCompile(`\bopen (\S+): permission denied`), "打不开 $1：没有权限"},
		{regexp.MustCompile(`\bopen (\S+): is a directory`), "打不开 $1：这是文件夹，不是文件"},
		{regexp.MustCompile(`\bno such file or directory\b`), "文件或文件夹不存在"},
		{regexp.MustCompile(`\bpermission denied\b`), "没有权限"},
		{regexp.MustCompile(`\bis a directory\b`), "是文件夹，不是文件"},
		{regexp.MustCompile(`\bno space left on device\b`), "磁盘空间已满"},
		{regexp.MustCompile(`\bfile exists\b`), "文件已存在"},
		{regexp.MustCompile(`\bconnect to (\S+): `), "连接 $1 失败："},
		{regexp.MustCompile(`\bnats: no servers available for connection\b`), "没有可连接的 NATS 服务器（地址不对，或服务器未启动）"},
		{regexp.MustCompile(`\bnats: [Aa]uthorization [Vv]iolation\b`), "NATS 拒绝登录（用户名、密码或凭据文件不对）"},
		{regexp.MustCompile(`\bnats: timeout\b`), "NATS 请求超时"},
		{regexp.MustCompile(`\bnats: connection closed\b`), "NATS 连接已关闭"},
		{regexp.MustCompile(`\bconnection refused\b`), "连接被拒绝（该地址上没有服务在监听）"},
		{regexp.MustCompile(`\bi/o timeout\b`), "网络超时"},
		{regexp.MustCompile(`\bcontext deadline exceeded\b`), "等待超时"},
		{regexp.MustCompile(`\bno such host\b`), "找不到该主机名"},
		{regexp.MustCompile(`\baddress already in use\b`), "端口已被占用"},
		{regexp.MustCompile(`\bnetwork is unreachable\b`), "网络不可达"},
	}
})

// suggestFlag adds to pflag's "unknown flag: --x" the closest flags c
// has, when one is close: a typo one or two letters off, or a prefix.
func suggestFlag(c *cobra.Command, err error) error {
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok || c == nil {
		return err
	}
	var close []string
	seen := map[string]bool{}
	add := func(f *pflag.Flag) {
		if f.Hidden || seen[f.Name] {
			return
		}
		seen[f.Name] = true
		if d := domain.EditDistance(name, f.Name); d <= 2 && d < len(f.Name) || len(name) >= 3 && strings.HasPrefix(f.Name, name) {
			close = append(close, "--"+f.Name)
		}
	}
	c.Flags().VisitAll(add)
	c.InheritedFlags().VisitAll(add)
	if len(close) == 0 {
		return err
	}
	slices.Sort(close)
	return &flagSuggestion{err: err, list: strings.Join(close, " or ")}
}

// flagSuggestion is an unknown flag with the flags it may have meant.
type flagSuggestion struct {
	err  error
	list string
}

func (e *flagSuggestion) Error() string { return e.err.Error() + " (did you mean " + e.list + "?)" }

func (e *flagSuggestion) Unwrap() error { return e.err }
