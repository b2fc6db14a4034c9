package etl

import (
	"bytes"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"

	"safetydw/etl/files"
	"safetydw/etl/httpapi"
	"safetydw/etl/sqldb"
)

// SourceConfig declares one source: which connector reads it, and which dataset its rows are.
type SourceConfig struct {
	Name    string          `yaml:"name"`    // unique; names the run ledger rows and the watermark
	Kind    string          `yaml:"kind"`    // file | http | sql
	Dataset string          `yaml:"dataset"` // a registered dataset (safetydw etl datasets)
	System  string          `yaml:"system"`  // src_system written on every row; defaults to Name
	File    *files.Config   `yaml:"file,omitempty"`
	HTTP    *httpapi.Config `yaml:"http,omitempty"`
	SQL     *sqldb.Config   `yaml:"sql,omitempty"`
}

// LoadSources reads a YAML list of sources, checking each before any run starts.
func LoadSources(path string) ([]SourceConfig, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Sources []SourceConfig `yaml:"sources"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(body))
	dec.KnownFields(true) // a misspelt key is an error, not a silently ignored setting
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	seen := map[string]bool{}
	for i, s := range doc.Sources {
		if s.Name == "" || seen[s.Name] {
			return nil, fmt.Errorf("%s: source %d: name missing or repeated (%q)", path, i+1, s.Name)
		}
		seen[s.Name] = true
		if s.System == "" {
			doc.Sources[i].System = s.Name
		}
		if (s.Kind == "file" && s.File == nil) || (s.Kind == "http" && s.HTTP == nil) || (s.Kind == "sql" && s.SQL == nil) {
			return nil, fmt.Errorf("%s: source %s: kind %s needs a %s: section", path, s.Name, s.Kind, s.Kind)
		}
		if s.Kind == "file" {
			if err := s.File.Check(); err != nil {
				return nil, fmt.Errorf("%s: source %s: %w", path, s.Name, err)
			}
		}
	}
	return doc.Sources, nil
}
