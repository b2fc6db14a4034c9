package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The files and folders a user names on the command line (sql --output, quarantine --export,
// sample --out, screenshot --png) are written by one rule: never overwrite or delete what we
// did not make unless asked with --force, and never leave half a file behind.

// checkNewFile refuses path when a file stands there already (unless force) or when it is
// not a regular file at all. flag names the option in the message.
func checkNewFile(path, flag string, force bool) error {
	st, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, err := os.Stat(filepath.Dir(path)); err != nil {
			return fmt.Errorf("%s %s: 所在目录不存在 (its folder does not exist): %w", flag, path, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("%s %s: %w", flag, path, err)
	case !st.Mode().IsRegular():
		return fmt.Errorf("%s %s: 已存在且不是普通文件，不会覆盖 (exists and is not a regular file; it is never replaced); name a file", flag, path)
	case !force:
		return fmt.Errorf("%s %s: 文件已存在，未覆盖 (the file exists and was left as it is); 换一个文件名，或加 --force 覆盖 (choose another name, or add --force to overwrite it)", flag, path)
	}
	return nil
}

// writeNewFile writes path through a temporary file in the same folder, published only when
// write succeeded, so a failed export never leaves half a file behind. An existing file is
// replaced only with force.
func writeNewFile(path, flag string, force bool, write func(io.Writer) error) error {
	if err := checkNewFile(path, flag, force); err != nil {
		return err
	}
	tmp, err := tempBeside(path)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		os.Remove(tmp)
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return publish(tmp, path, flag, force)
}

// tempBeside makes an empty hidden file next to path, readable like any file we write.
func tempBeside(path string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return "", err
	}
	f.Close()
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// publish moves the finished tmp to path. Without force a hard link makes the step atomic:
// it fails if a file appeared at path meanwhile. Where the file system has no hard links the
// check is made just before the rename.
func publish(tmp, path, flag string, force bool) error {
	defer os.Remove(tmp)
	if !force {
		err := os.Link(tmp, path)
		if err == nil {
			return nil
		}
		if errors.Is(err, fs.ErrExist) {
			return checkNewFile(path, flag, false) // says what stands there
		}
	}
	if err := checkNewFile(path, flag, force); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// checkOutFolder refuses to write into an existing folder that holds files we did not make:
// made says whether a folder is one of ours (e.g. it holds the file we always write).
func checkOutFolder(dir, flag string, force bool, made func(string) bool) error {
	st, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", flag, dir, err)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s %s: 已存在且不是目录 (exists and is not a folder); name a folder", flag, dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("%s %s: %w", flag, dir, err)
	}
	if len(entries) == 0 || force || made(dir) {
		return nil
	}
	var names []string
	for _, e := range entries[:min(len(entries), 3)] {
		names = append(names, e.Name())
	}
	return fmt.Errorf("%s %s: 目录已有其他内容（%s…），未写入 (the folder holds files safetydw did not write, e.g. %s; nothing was written); "+
		"换一个新目录，或加 --force 在其中写入并覆盖同名文件 (name a new folder, or add --force to write into it, replacing files of the same names)",
		flag, dir, strings.Join(names, "、"), strings.Join(names, ", "))
}
