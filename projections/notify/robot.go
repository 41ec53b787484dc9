package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Kind is the kind of group robot a webhook belongs to.
type Kind string

// The robots the notifier posts to.
const (
	WeCom    Kind = "wecom"    // 企业微信群机器人
	DingTalk Kind = "dingtalk" // 钉钉自定义机器人
)

// Webhook is one group robot to post to.
type Webhook struct {
	Kind Kind
	// URL is the robot's webhook address, as the group's robot settings
	// show it (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...,
	// https://oapi.dingtalk.com/robot/send?access_token=...).
	URL string
	// Secret is a DingTalk robot's signing secret (加签, SEC...): when
	// set, every post is signed (SignDingTalk). Not used for WeCom.
	Secret string
	// Text posts a WeCom robot plain text instead of markdown (for
	// clients that do not show markdown). Not used for DingTalk.
	Text bool
}

// Name names the webhook in messages and metrics without its key.
func (w Webhook) Name() string {
	u, err := url.Parse(w.URL)
	if err != nil || u.Host == "" {
		return string(w.Kind)
	}
	return string(w.Kind) + " " + u.Host + u.Path
}

// Check reports what is wrong with the webhook's configuration.
func (w Webhook) Check() error {
	switch w.Kind {
	case WeCom, DingTalk:
	default:
		return fmt.Errorf("webhook kind %q: expected %s or %s", w.Kind, WeCom, DingTalk)
	}
	u, err := url.Parse(w.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%s webhook %q: expected an http(s) URL as the robot's settings show it", w.Kind, w.URL)
	}
	if w.Secret != "" && w.Kind != DingTalk {
		return fmt.Errorf("%s webhook: a signing secret is for DingTalk robots only", w.Kind)
	}
	return nil
}

// Message is what is posted: a title (DingTalk shows it in the chat
// list), the body as markdown, and the same as plain text.
type Message struct {
	Title    string
	Markdown string
	Text     string
}

// SignDingTalk returns DingTalk's signature for a post at timestamp ms
// (milliseconds since 1970): base64 of HmacSHA256 keyed with secret over
// "<ms>\n<secret>", not yet URL-encoded.
func SignDingTalk(secret string, ms int64) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(ms, 10) + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// SignedURL returns raw with &timestamp=<ms>&sign=<signature> appended,
// as a DingTalk robot with 加签 requires; the robot refuses a timestamp
// more than an hour away from its own clock.
func SignedURL(raw, secret string, at time.Time) string {
	ms := at.UnixMilli()
	sep := "?"
	if strings.Contains(raw, "?") {
		sep = "&"
	}
	return raw + sep + "timestamp=" + strconv.FormatInt(ms, 10) + "&sign=" + url.QueryEscape(SignDingTalk(secret, ms))
}

// Request returns the URL and JSON body of a post of msg to the robot at
// instant at (DingTalk's signature carries it).
func (w Webhook) Request(msg Message, at time.Time) (string, []byte, error) {
	var body any
	target := w.URL
	switch w.Kind {
	case WeCom:
		if w.Text {
			body = map[string]any{"msgtype": "text", "text": map[string]string{"content": msg.Text}}
		} else {
			body = map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": msg.Markdown}}
		}
	case DingTalk:
		body = map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": msg.Title, "text": msg.Markdown}}
		if w.Secret != "" {
			target = SignedURL(w.URL, w.Secret, at)
		}
	default:
		return "", nil, w.Check()
	}
	b, err := json.Marshal(body)
	return target, b, err
}

// robotAnswer is the JSON both robots answer with.
type robotAnswer struct {
	ErrCode *int   `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// post sends msg to the robot once. It returns nil only when the robot
// accepted it: an HTTP 2xx answer whose JSON body says errcode 0.
func (w Webhook) post(ctx context.Context, client *http.Client, msg Message, at time.Time) error {
	target, body, err := w.Request(msg, at)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: %w", w.Name(), err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := client.Do(req)
	if err != nil {
		// The URL carries the robot's key: say where, not the key.
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err
		}
		return fmt.Errorf("%s: %w", w.Name(), err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%s answered HTTP %d: %s", w.Name(), resp.StatusCode, snippet(answer))
	}
	var a robotAnswer
	if err := json.Unmarshal(answer, &a); err != nil || a.ErrCode == nil {
		return fmt.Errorf("%s answered HTTP %d without an errcode: %s", w.Name(), resp.StatusCode, snippet(answer))
	}
	if *a.ErrCode != 0 {
		return fmt.Errorf("%s refused the message: errcode %d %s", w.Name(), *a.ErrCode, a.ErrMsg)
	}
	return nil
}

func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}
