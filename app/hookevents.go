package app

import (
	"encoding/json"
	"errors"
	"fmt"
)

// ward decodes only the fields of a delivery it acts on, into its own small
// types: a field GitHub reshapes that ward does not read (a date format,
// app.created_at "2018-04-25 20:42:10" in published examples) must not make
// a delivery unreadable. go-github's full types reject such payloads.

type hookRepo struct {
	FullName string `json:"full_name"`
}

type hookInstallation struct {
	ID int64 `json:"id"`
}

type hookUser struct {
	Login string `json:"login"`
	Type  string `json:"type"`
}

type hookCommon struct {
	Action       string           `json:"action"`
	Repo         hookRepo         `json:"repository"`
	Installation hookInstallation `json:"installation"`
	Sender       hookUser         `json:"sender"`
}

type hookPRRef struct {
	Number int `json:"number"`
}

type pullRequestHook struct {
	hookCommon
	Number      int `json:"number"`
	PullRequest struct {
		Head struct {
			SHA string `json:"sha"`
		} `json:"head"`
	} `json:"pull_request"`
	Changes struct {
		Base json.RawMessage `json:"base"`
	} `json:"changes"`
}

type issueCommentHook struct {
	hookCommon
	Issue struct {
		Number      int             `json:"number"`
		PullRequest json.RawMessage `json:"pull_request"`
	} `json:"issue"`
	Comment struct {
		ID   int64    `json:"id"`
		Body string   `json:"body"`
		User hookUser `json:"user"`
	} `json:"comment"`
}

type checkRunHook struct {
	hookCommon
	CheckRun struct {
		ID           int64       `json:"id"`
		Name         string      `json:"name"`
		HeadSHA      string      `json:"head_sha"`
		PullRequests []hookPRRef `json:"pull_requests"`
	} `json:"check_run"`
	RequestedAction struct {
		Identifier string `json:"identifier"`
	} `json:"requested_action"`
}

type checkSuiteHook struct {
	hookCommon
	CheckSuite struct {
		HeadSHA      string      `json:"head_sha"`
		PullRequests []hookPRRef `json:"pull_requests"`
	} `json:"check_suite"`
}

type mergeGroupHook struct {
	hookCommon
	MergeGroup struct {
		HeadSHA string `json:"head_sha"`
		BaseSHA string `json:"base_sha"`
		HeadRef string `json:"head_ref"`
	} `json:"merge_group"`
}

// hookTypes are the events ward acts on (app.yml subscribes to these), each
// with the type its payload decodes into.
var hookTypes = map[string]func() any{
	"pull_request":              func() any { return new(pullRequestHook) },
	"issue_comment":             func() any { return new(issueCommentHook) },
	"check_run":                 func() any { return new(checkRunHook) },
	"check_suite":               func() any { return new(checkSuiteHook) },
	"merge_group":               func() any { return new(mergeGroupHook) },
	"installation":              func() any { return new(hookCommon) },
	"installation_repositories": func() any { return new(hookCommon) },
}

// errUnknownEvent: an event ward does not subscribe to (answered 200).
var errUnknownEvent = errors.New("event not handled")

// errMalformed: a known event whose body is not the JSON object it should be
// (answered 400: GitHub would not send it).
var errMalformed = errors.New("malformed payload")

// parseHook decodes a delivery of a known event into ward's type for it.
func parseHook(event string, body []byte) (any, error) {
	mk, ok := hookTypes[event]
	if !ok {
		return nil, errUnknownEvent
	}
	v := mk()
	if err := json.Unmarshal(body, v); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", errMalformed, event, err)
	}
	return v, nil
}

// eventLabel is the metrics label of an event header: only names ward
// knows, so that a stranger's made-up names cannot grow the label set.
func eventLabel(event string) string {
	if _, ok := hookTypes[event]; ok || event == "ping" {
		return event
	}
	return "other"
}
