package files

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// The drop folder is written by people outside the warehouse: a file there may be a symlink to
// a secret, a FIFO that blocks whoever opens it, or a pattern may point above the folder. Only
// regular files that really lie inside the folder are read; a symlink is followed when its
// target, resolved to the end, is a regular file inside the folder too.

// CheckPattern refuses a pattern that could leave the drop folder: absolute, or with a ".."
// element. what names the setting or flag in the message.
func CheckPattern(what, p string) error {
	if p == "" {
		return fmt.Errorf("%s: 模式为空 (empty pattern)", what)
	}
	if filepath.IsAbs(p) {
		return fmt.Errorf("%s %q: 不能用绝对路径，模式相对于投放目录 (an absolute path; patterns are relative to the drop folder)", what, p)
	}
	for _, el := range strings.Split(filepath.ToSlash(p), "/") {
		if el == ".." {
			return fmt.Errorf("%s %q: 不能含 “..”，只读投放目录之内的文件 (\"..\" would leave the drop folder)", what, p)
		}
	}
	if _, err := filepath.Match(p, ""); err != nil {
		return fmt.Errorf("%s %q: 模式写法有误 (malformed pattern): %w", what, p, err)
	}
	return nil
}

// Check validates the settings before any file is read, so that a typo fails the run at once.
func (c Config) Check() error {
	if len(c.Patterns) == 0 {
		return fmt.Errorf("file source needs at least one pattern (file.patterns 为空)")
	}
	for _, p := range c.Patterns {
		if err := CheckPattern("file.patterns", p); err != nil {
			return err
		}
	}
	if _, err := encodingOf(c.Encoding); err != nil {
		return err
	}
	return nil
}

// dropFile is a file to read: its path relative to the drop folder (what people and the ledgers
// call it) and the real path it resolved to (what is opened).
type dropFile struct{ rel, real string }

// list returns the files of dir the patterns match, in path order. Every pattern must match
// at least one file: a pattern that matches nothing is a typo or a missing delivery, not an
// empty load. Anything that is not a regular file inside dir is an error naming it.
func list(dir string, patterns []string) ([]dropFile, error) {
	root, err := dropRoot(dir)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []dropFile
	for _, p := range patterns {
		if err := CheckPattern("file.patterns", p); err != nil {
			return nil, err
		}
		m, err := filepath.Glob(filepath.Join(dir, p))
		if err != nil {
			return nil, fmt.Errorf("pattern %s: %w", p, err)
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("模式 %q 在投放目录 %s 中没有匹配到任何文件 (pattern %q matched no file in the drop folder %s)", p, dir, p, dir)
		}
		for _, f := range m {
			rel, err := filepath.Rel(dir, f)
			if err != nil {
				return nil, err
			}
			if seen[rel] {
				continue
			}
			seen[rel] = true
			real, err := regularInside(root, f)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", rel, err)
			}
			out = append(out, dropFile{rel: rel, real: real})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].rel < out[j].rel })
	return out, nil
}

// resolve returns the absolute path p stands for, every symlink followed.
func resolve(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// dropRoot resolves the drop folder, which must exist and be a folder.
func dropRoot(dir string) (string, error) {
	root, err := resolve(dir)
	if err != nil {
		return "", fmt.Errorf("投放目录 %s 不存在或无法读取 (drop folder %s: %w)", dir, dir, unwrapPath(err))
	}
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("投放目录 %s 不是目录 (drop folder %s is not a directory)", dir, dir)
	}
	return root, nil
}

// regularInside resolves path and checks that it is a regular file inside root (itself
// resolved). It only looks (Lstat, Stat): a FIFO or device is never opened.
func regularInside(root, path string) (string, error) {
	real, err := resolve(path)
	if err != nil {
		return "", fmt.Errorf("无法解析路径，可能是断开的符号链接 (cannot resolve the path, a broken symlink?): %w", unwrapPath(err))
	}
	if rel, err := filepath.Rel(root, real); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("符号链接指向投放目录之外，拒绝读取 (a symlink that leads outside the drop folder, to %s: refused)", real)
	}
	fi, err := os.Lstat(real)
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("不是普通文件 (%s)，拒绝读取 (not a regular file: refused)", kindOf(fi.Mode()))
	}
	return real, nil
}

func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "目录 directory"
	case m&fs.ModeNamedPipe != 0:
		return "命名管道 FIFO"
	case m&fs.ModeSocket != 0:
		return "套接字 socket"
	case m&fs.ModeDevice != 0:
		return "设备文件 device"
	}
	return m.Type().String()
}

// openRegular opens a listed file for reading without following a symlink put in its place
// since, and without blocking on a FIFO put there: O_NONBLOCK lets the open return, and the
// check on the opened file refuses it.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s: 不是普通文件 (%s)，拒绝读取 (not a regular file: refused)", path, kindOf(fi.Mode()))
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// unwrapPath drops the absolute path an fs error repeats, keeping its cause.
func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// Matches reports whether rel (a path relative to the drop folder) matches one of the globs.
func Matches(globs []string, rel string) bool {
	for _, g := range globs {
		if ok, _ := filepath.Match(filepath.Clean(g), rel); ok {
			return true
		}
	}
	return false
}

// List returns the paths, relative to dir, of the files a config reads.
func List(dir string, cfg Config) ([]string, error) {
	fs, err := list(dir, cfg.Patterns)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.rel
	}
	return out, nil
}
