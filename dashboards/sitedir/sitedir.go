// Package sitedir owns the folder the static site is written to. A command is only allowed
// to replace what it made: a folder holding the site's marker file (or nothing at all).
// Anything else the user names with --out — a file, a folder of their own, ".", "..", the
// repository — is refused with a message that says so, and left exactly as it was.
//
// A rebuild writes into a temporary sibling folder and swaps it in only when complete, so
// readers see the old site until the new one is whole, and a failed build changes nothing.
// Sub-folders that other commands add to a site (the monthly bulletins' archive) are
// carried over to the new site, never wiped by a rebuild.
package sitedir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Marker is the file at the root of every site folder safetydw writes. Its presence is what
// allows a later build to replace the folder.
const Marker = ".safetydw-site"

const markerText = "此目录由 safetydw 生成，重新生成看板时整个替换（bulletins/ 等存档子目录保留）。\n" +
	"This folder is written by safetydw and replaced as a whole by the next `safetydw dashboards build`\n" +
	"(archive sub-folders such as bulletins/ are kept). Do not keep files of your own here.\n"

// Kept lists the sub-folders a rebuild carries over from the old site to the new one: they
// hold what other commands add to a site over time, which no build could write again.
var Kept = []string{"bulletins"}

// Replace builds a new site with build, into a temporary folder next to out, and swaps it in
// for out. out may be missing (it is created), an empty folder, or a folder with the marker;
// anything else is refused before build runs. The folders of Kept move from the old site to
// the new one. On any error the old site is left as it was and the temporary folder removed.
func Replace(out string, build func(tmp string) error) error {
	abs, err := check(out)
	if err != nil {
		return err
	}
	parent := filepath.Dir(abs)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("--out %s: %w", out, err)
	}
	unlock, err := lock(parent)
	if err != nil {
		return err
	}
	defer unlock()
	// Checked again under the lock: another build may have made or changed out meanwhile.
	existing, err := checkExisting(out, abs)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(abs)+".building-")
	if err != nil {
		return err
	}
	// The marker goes in first, so a folder left behind by a killed build is recognisably ours.
	err = writeMarker(tmp)
	if err == nil {
		err = build(tmp)
	}
	if err == nil {
		err = writeMarker(tmp) // the build may have cleared the folder
	}
	if err == nil {
		err = os.Chmod(tmp, 0o755) // MkdirTemp makes 0700; a site is for reading
	}
	if err == nil && existing != missing {
		err = swap(abs, tmp, existing == site)
	} else if err == nil {
		err = os.Rename(tmp, abs)
	}
	if err != nil {
		os.RemoveAll(tmp)
		return err
	}
	return nil
}

// Update lets a command add to a site in place (a bulletin into out/bulletins/): out is
// created with the marker when missing, refused when it is not a site, and no rebuild runs
// while write does.
func Update(out string, write func(dir string) error) error {
	abs, err := check(out)
	if err != nil {
		return err
	}
	parent := filepath.Dir(abs)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("--out %s: %w", out, err)
	}
	unlock, err := lock(parent)
	if err != nil {
		return err
	}
	defer unlock()
	if _, err := checkExisting(out, abs); err != nil {
		return err
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return err
	}
	if err := writeMarker(abs); err != nil {
		return err
	}
	return write(abs)
}

// check refuses the paths that can never be a site: empty, the working folder or one that
// contains it (".", "..", "/").
func check(out string) (string, error) {
	if strings.TrimSpace(out) == "" {
		return "", errors.New("--out is empty (未指定看板输出目录)")
	}
	abs, err := filepath.Abs(out)
	if err != nil {
		return "", err
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	if within(wd, abs) || within(resolved(wd), resolved(abs)) {
		return "", refusal(out, "是当前目录或其上级目录 (is the working folder or contains it)")
	}
	return abs, nil
}

// state is what stands at the path of a site.
type state int

const (
	missing state = iota
	empty         // an empty folder, taken over as it loses nothing
	site          // a folder with the marker
)

// checkExisting refuses out unless it is missing or a folder safetydw may replace: one with
// the marker, or an empty one.
func checkExisting(out, abs string) (state, error) {
	st, err := os.Lstat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return missing, nil
	}
	if err != nil {
		return missing, fmt.Errorf("--out %s: %w", out, err)
	}
	switch {
	case st.Mode()&fs.ModeSymlink != 0:
		return missing, refusal(out, "是符号链接 (is a symbolic link); give the folder it points to")
	case !st.IsDir():
		return missing, refusal(out, "是一个文件，不是看板目录 (is a file, not a site folder)")
	}
	if _, err := os.Lstat(filepath.Join(abs, Marker)); err == nil {
		return site, nil
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return missing, fmt.Errorf("--out %s: %w", out, err)
	}
	if len(entries) == 0 {
		return empty, nil
	}
	if legacySite(abs, entries) {
		return site, nil
	}
	return missing, refusal(out, fmt.Sprintf("已有 %d 项内容且不是 safetydw 生成的看板目录 (holds %d entries and no %s marker: not a site safetydw built)",
		len(entries), len(entries), Marker))
}

// legacySite recognises a site built before the marker existed, so checkouts that have one
// keep working: index.html, other .html pages and assets/ holding only echarts.min.js, and
// nothing else. A folder of anyone else's does not look like that.
func legacySite(abs string, entries []fs.DirEntry) bool {
	index := false
	for _, e := range entries {
		switch {
		case e.Name() == "assets" && e.IsDir():
			assets, err := os.ReadDir(filepath.Join(abs, "assets"))
			if err != nil || len(assets) != 1 || assets[0].Name() != "echarts.min.js" || !assets[0].Type().IsRegular() {
				return false
			}
		case e.Type().IsRegular() && strings.HasSuffix(e.Name(), ".html"):
			index = index || e.Name() == "index.html"
		default:
			return false
		}
	}
	return index
}

// refusal is the one message for every path we will not touch.
func refusal(out, why string) error {
	return fmt.Errorf("拒绝写入 --out %s：%s。\n"+
		"  safetydw 只替换它自己生成的看板目录（含 %s 文件）或空目录，绝不删除其他内容；请指定一个新的或空的目录，例如 --out out\n"+
		"  (refusing --out %[1]s: safetydw only replaces a site folder it built (one holding %[3]s) or an empty folder, and never deletes anything else; name a new or empty folder, e.g. --out out)",
		out, why, Marker)
}

// resolved is path with its symbolic links followed, as far as it exists.
func resolved(path string) string {
	if r, err := filepath.EvalSymlinks(path); err == nil {
		return r
	}
	if parent := filepath.Dir(path); parent != path {
		return filepath.Join(resolved(parent), filepath.Base(path))
	}
	return path
}

// within says whether path is dir or inside it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// swap moves the kept folders into the new site, then renames the old site aside, the new
// one into place, and removes the old one. Each step is undone if a later one fails.
func swap(abs, tmp string, wasSite bool) error {
	var moved []string
	undoKept := func() {
		for _, k := range moved {
			os.Rename(filepath.Join(tmp, k), filepath.Join(abs, k))
		}
	}
	for _, k := range Kept {
		from, to := filepath.Join(abs, k), filepath.Join(tmp, k)
		st, err := os.Lstat(from)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err == nil && !st.IsDir() {
			err = fmt.Errorf("%s is not a folder", from)
		}
		if err == nil {
			if _, e := os.Lstat(to); e == nil {
				err = fmt.Errorf("the build wrote %s, a folder a rebuild must carry over from the old site", k)
			}
		}
		if err == nil {
			err = os.Rename(from, to)
		}
		if err != nil {
			undoKept()
			return err
		}
		moved = append(moved, k)
	}
	old := tmp + ".old"
	if err := os.Rename(abs, old); err != nil {
		undoKept()
		return err
	}
	if err := os.Rename(tmp, abs); err != nil {
		os.Rename(old, abs)
		undoKept()
		return err
	}
	if !wasSite {
		return os.Remove(old) // the empty folder that stood in its place: it must still be empty
	}
	return os.RemoveAll(old) // the previous site: it held the marker
}

func writeMarker(dir string) error {
	return os.WriteFile(filepath.Join(dir, Marker), []byte(markerText), 0o644)
}

// lock serialises builds and updates of the sites in one parent folder (an advisory lock on
// the folder itself), so two builds cannot carry the same kept folder into two sites.
func lock(dir string) (func(), error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
