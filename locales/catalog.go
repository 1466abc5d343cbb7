package locales

import (
	"embed"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"text/template"

	"github.com/goccy/go-yaml"
)

//go:embed vi.yaml en.yaml
var files embed.FS

// Default is the language used when a user's language is unknown.
const Default = "vi"

// languages are the supported languages, the default first.
var languages = []string{"vi", "en"}

// keyPattern is a flat dotted snake_case key: "error.invalid_phone".
var keyPattern = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)+$`)

// Catalog holds every text in every language, parsed once. It is safe for
// concurrent use.
type Catalog struct {
	texts map[string]map[string]*template.Template // lang → key → template
	keys  []string                                 // sorted union of keys
}

// Load reads and parses the embedded vi.yaml and en.yaml.
func Load() (*Catalog, error) {
	c := &Catalog{texts: make(map[string]map[string]*template.Template, len(languages))}
	all := make(map[string]bool)
	for _, lang := range languages {
		name := lang + ".yaml"
		data, err := files.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		texts, err := parseFile(lang, name, data)
		if err != nil {
			return nil, err
		}
		c.texts[lang] = texts
		for k := range texts {
			all[k] = true
		}
	}
	c.keys = slices.Sorted(maps.Keys(all))
	return c, nil
}

// parseFile decodes one flat YAML file and parses each value as a template with
// the functions bound to lang.
func parseFile(lang, name string, data []byte) (map[string]*template.Template, error) {
	var raw map[string]string
	// go-yaml rejects a duplicate key by default, so a key pasted twice
	// fails Load instead of silently keeping the last text.
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("decode %s: %w", name, err)
	}
	funcs := Funcs(lang)
	texts := make(map[string]*template.Template, len(raw))
	for key, text := range raw {
		if !keyPattern.MatchString(key) {
			return nil, fmt.Errorf("%s: key %q is not dotted snake_case", name, key)
		}
		t, err := template.New(key).Funcs(funcs).Parse(text)
		if err != nil {
			return nil, fmt.Errorf("%s: parse %s: %w", name, key, err)
		}
		texts[key] = t
	}
	return texts, nil
}

// Funcs returns the template functions bound to lang: num (any integer or
// float: vi "1.562", "97,4"), pct (a percentage: vi "97,4%"), date (a
// time.Time or "YYYY-MM-DD": vi "21/07/2023"), datetime (vi "21/07/2023
// 16:05") and esc (HTML-escape user text for Telegram's HTML parse mode).
func Funcs(lang string) template.FuncMap {
	lang = Normalize(lang)
	return template.FuncMap{
		"num":      funcNum(lang),
		"pct":      funcPct(lang),
		"date":     funcDate(lang),
		"datetime": funcDateTime(lang),
		"esc":      escape,
		// raw passes text the catalog already rendered (and escaped), such
		// as a list of report.item lines, into another text.
		"raw": func(s string) string { return s },
	}
}

// T renders the text key in lang with args. An unknown lang falls back to
// Vietnamese, a key missing from lang to its Vietnamese text, and a key
// missing everywhere, or a template that fails to execute, renders as the
// key itself, so the gap is visible and a test can catch it.
func (c *Catalog) T(lang, key string, args map[string]any) string {
	t, ok := c.texts[Normalize(lang)][key]
	if !ok {
		if t, ok = c.texts[Default][key]; !ok {
			return key
		}
	}
	var b strings.Builder
	if err := t.Execute(&b, args); err != nil {
		return key
	}
	return b.String()
}

// With returns a copy of the catalog with more texts, by language then
// key, each parsed like the files' — for a feature whose texts live beside
// it rather than in vi.yaml and en.yaml (a test's throwaway feature). A
// key must be given in every language.
func (c *Catalog) With(texts map[string]map[string]string) (*Catalog, error) {
	out := &Catalog{texts: make(map[string]map[string]*template.Template, len(languages))}
	all := make(map[string]bool)
	for _, k := range c.keys {
		all[k] = true
	}
	for _, lang := range languages {
		out.texts[lang] = maps.Clone(c.texts[lang])
		for key, text := range texts[lang] {
			if !keyPattern.MatchString(key) {
				return nil, fmt.Errorf("key %q is not dotted snake_case", key)
			}
			t, err := template.New(key).Funcs(Funcs(lang)).Parse(text)
			if err != nil {
				return nil, fmt.Errorf("parse %s %s: %w", lang, key, err)
			}
			out.texts[lang][key] = t
			all[key] = true
		}
	}
	for key := range all {
		for _, lang := range languages {
			if _, ok := out.texts[lang][key]; !ok {
				return nil, fmt.Errorf("key %q has no %s text", key, lang)
			}
		}
	}
	out.keys = slices.Sorted(maps.Keys(all))
	return out, nil
}

// Has reports whether key exists in the catalog.
func (c *Catalog) Has(key string) bool {
	_, ok := c.texts[Default][key]
	return ok
}

// Keys returns every key, sorted.
func (c *Catalog) Keys() []string { return slices.Clone(c.keys) }

// Languages returns the supported language codes, the default first:
// "vi", "en".
func (c *Catalog) Languages() []string { return slices.Clone(languages) }

// Normalize maps a Telegram language_code ("vi", "en-US", "EN_gb", "") to a
// supported language: "en" for English, "vi" for anything else.
func Normalize(lang string) string {
	base, _, _ := strings.Cut(strings.TrimSpace(lang), "-")
	base, _, _ = strings.Cut(base, "_")
	if strings.EqualFold(base, "en") {
		return "en"
	}
	return Default
}
