package deps

import (
	"regexp"
	"strings"
)

// userinfo matches the credentials part of a URL ("scheme://user:pass@").
var userinfo = regexp.MustCompile(`(://)([^/@\s:]+)(:[^/@\s]*)?@`)

// redactURLs masks credentials in URLs inside s: index URLs often carry a
// token ("https://__token__:pypi-AgE…@host/simple"), and ward never writes a
// secret into a finding. A bare user name such as git@ is kept.
func redactURLs(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	return userinfo.ReplaceAllStringFunc(s, func(m string) string {
		sub := userinfo.FindStringSubmatch(m)
		user, pass := sub[2], sub[3]
		if pass == "" && len(user) < 16 {
			return m
		}
		if pass == "" {
			return sub[1] + "***@"
		}
		return sub[1] + user + ":***@"
	})
}

// redactManifest masks credentials in every URL and text a finding may quote.
func redactManifest(m *Manifest) {
	for i := range m.Deps {
		m.Deps[i].URL = redactURLs(m.Deps[i].URL)
		m.Deps[i].Text = redactURLs(m.Deps[i].Text)
	}
	for i := range m.Indexes {
		m.Indexes[i].URL = redactURLs(m.Indexes[i].URL)
		m.Indexes[i].Text = redactURLs(m.Indexes[i].Text)
	}
	for i := range m.Resolved {
		m.Resolved[i].URL = redactURLs(m.Resolved[i].URL)
	}
	for i := range m.Replaces {
		m.Replaces[i].Text = redactURLs(m.Replaces[i].Text)
	}
}
