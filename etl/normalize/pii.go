package normalize

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// SaltEnv names the environment variable that holds the salt of person keys.
const SaltEnv = "SAFETYDW_PII_SALT"

// DemoSalt is the salt of `safetydw demo` only. It is public (it is in this file), so keys
// made with it can be reversed by anyone who tries every ID number of the district (an analyst
// did it in 2.2 s): everywhere else a salt of one's own is required, and this one is refused.
const DemoSalt = "safetydw-demo-salt-not-for-production"

// MinSaltLen is the shortest salt accepted: 16 characters, so it cannot be guessed alongside
// the ID numbers (`openssl rand -hex 32` gives 64).
const MinSaltLen = 16

// minSaltDistinct refuses a long but trivial salt (aaaa…, 1234 1234 …).
const minSaltDistinct = 8

func distinctRunes(s string) int {
	seen := map[rune]bool{}
	for _, r := range s {
		seen[r] = true
	}
	return len(seen)
}

var demoSalt atomic.Bool

// UseDemoSalt lets the demo run on the sample data without a salt of its own: with
// SAFETYDW_PII_SALT unset, person keys are made with DemoSalt. Only `safetydw demo` calls it.
func UseDemoSalt() { demoSalt.Store(true) }

// saltHelp says how to set a salt, in the words of every refusal.
const saltHelp = "请设置一个随机的盐并妥善保存，例如 export " + SaltEnv + "=$(openssl rand -hex 32)；" +
	"盐一经使用不可更换，换盐会使所有人员标识改变、同一人的记录分裂为两人 " +
	"(set a random salt and keep it, e.g. export " + SaltEnv + "=$(openssl rand -hex 32); " +
	"never change it: a new salt changes every person_key)"

// Salt returns the salt person keys are made with, or an error saying how to set one: it is
// unset, shorter than MinSaltLen, or the public demo salt outside the demo.
func Salt() (string, error) {
	env, demo := os.Getenv(SaltEnv), demoSalt.Load()
	// PersonKey asks on every row: the last answer holds while the variable and the demo flag
	// stay as they were (checking the salt again was a tenth of a training load's CPU).
	if c := lastSalt.Load(); c != nil && c.env == env && c.demo == demo {
		return c.salt, c.err
	}
	salt, err := checkSalt(env, demo)
	lastSalt.Store(&saltAnswer{env: env, demo: demo, salt: salt, err: err})
	return salt, err
}

type saltAnswer struct {
	env  string
	demo bool
	salt string
	err  error
}

var lastSalt atomic.Pointer[saltAnswer]

func checkSalt(s string, demo bool) (string, error) {
	switch {
	case s == "" && demo:
		return DemoSalt, nil
	case s == "":
		return "", fmt.Errorf("未设置 %s，无法生成人员标识 (person_key)：%s", SaltEnv, saltHelp)
	case s == DemoSalt && !demo:
		return "", fmt.Errorf("%s 是公开的演示盐，不能用于正式数据 (is the public demo salt)：%s", SaltEnv, saltHelp)
	case len([]rune(s)) < MinSaltLen:
		return "", fmt.Errorf("%s 太短（%d 个字符，至少 %d 个）(salt too weak: %d characters, at least %d)：%s",
			SaltEnv, len([]rune(s)), MinSaltLen, len([]rune(s)), MinSaltLen, saltHelp)
	case distinctRunes(s) < minSaltDistinct:
		return "", fmt.Errorf("%s 过于简单（只有 %d 种字符）(salt too weak: only %d distinct characters)：%s",
			SaltEnv, distinctRunes(s), distinctRunes(s), saltHelp)
	}
	return s, nil
}

// GB 11643-1999: the 18th character of a 公民身份号码 is a check over the first 17 digits,
// Σ(digit × weight) mod 11 indexing checkChars.
var (
	idWeights  = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	checkChars = "10X98765432"
)

// IDCard normalises a 公民身份号码 and validates it: 18 characters, 17 digits then a digit or
// X (a lower-case x, spaces and full-width forms are accepted), a real birth date in positions
// 7–14, and the GB 11643 check character. A 15-digit first-generation number is upgraded the
// way GB 11643 prescribes (century 19 inserted before the birth date, check character
// appended), so a person whose old and new numbers both appear keeps one key. Error messages
// do not repeat the number, because they end up in the quarantine list.
func IDCard(s string) (string, error) {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '０' && r <= '９':
			r = r - '０' + '0'
		case r == 'x' || r == 'Ｘ' || r == 'ｘ':
			r = 'X'
		case r == ' ' || r == '\u3000':
			continue
		}
		b.WriteRune(r)
	}
	id := b.String()
	if id == "" {
		return "", fmt.Errorf("身份证号为空 (empty ID number)")
	}
	if len(id) == 15 && allDigits(id) {
		// First-generation cards were only issued to people born in the 1900s.
		id = id[:6] + "19" + id[6:] + "?"
	}
	if len(id) != 18 {
		return "", fmt.Errorf("身份证号应为18位，实为%d位 (ID number must have 18 characters)", len([]rune(id)))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := id[i]
		if c < '0' || c > '9' {
			return "", fmt.Errorf("身份证号前17位应为数字 (ID number: first 17 characters must be digits)")
		}
		sum += int(c-'0') * idWeights[i]
	}
	if id[17] == '?' {
		id = id[:17] + string(checkChars[sum%11])
	}
	if c := id[17]; (c < '0' || c > '9') && c != 'X' {
		return "", fmt.Errorf("身份证号末位应为数字或X (ID number: last character must be a digit or X)")
	}
	if _, err := time.Parse("20060102", id[6:14]); err != nil {
		return "", fmt.Errorf("身份证号中的出生日期无效 (ID number: invalid birth date)")
	}
	if want := checkChars[sum%11]; id[17] != want {
		return "", fmt.Errorf("身份证号校验位错误 (ID number: GB 11643 check character does not match)")
	}
	return id, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// PersonKey is the pseudonym a person is stored under: hex SHA-256 of the normalised ID
// number followed by the salt. The same person gets the same key in every file and every
// run, so unique-person metrics work, and the number itself never reaches the warehouse.
func PersonKey(idCard string) (string, error) {
	id, err := IDCard(idCard)
	if err != nil {
		return "", err
	}
	salt, err := Salt()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(id + salt))
	return hex.EncodeToString(sum[:]), nil
}

// MaskName keeps the first character of a name and stars the rest: 张三丰 → 张**.
// A one-character name is starred whole, so it is never stored readable.
func MaskName(name string) string {
	rs := []rune(strings.Join(strings.Fields(name), ""))
	switch len(rs) {
	case 0:
		return ""
	case 1:
		return "*"
	}
	return string(rs[0]) + strings.Repeat("*", len(rs)-1)
}

// MaskPhone keeps the first three and last four digits of a phone number:
// 13812345678 → 138****5678. Separators and a +86 prefix are dropped first; a number too
// short to keep seven digits of is starred whole.
func MaskPhone(phone string) string {
	var d []byte
	for _, r := range phone {
		if r >= '0' && r <= '9' {
			d = append(d, byte(r))
		} else if r >= '０' && r <= '９' {
			d = append(d, byte(r-'０'+'0'))
		}
	}
	s := string(d)
	if strings.HasPrefix(s, "86") && len(s) == 13 {
		s = s[2:]
	}
	switch {
	case s == "":
		return ""
	case len(s) < 8:
		return strings.Repeat("*", len(s))
	}
	return s[:3] + strings.Repeat("*", len(s)-7) + s[len(s)-4:]
}

var (
	// An 18-character ID number, possibly typed with spaces after the area code and the
	// birth date, or a 15-digit first-generation one; not inside a longer code.
	idLike = regexp.MustCompile(`(^|[^0-9A-Za-z])([0-9]{6} ?[0-9]{8} ?[0-9]{3}[0-9Xx]|[0-9]{15})([^0-9A-Za-z]|$)`)
	// A mainland mobile number, possibly with +86 and dashes or spaces; not inside a longer code.
	phoneLike = regexp.MustCompile(`(^|[^0-9A-Za-z])((?:\+?86[ -]?)?1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4})([^0-9A-Za-z]|$)`)
	// A landline where it is clear: an area code (0 and 2–3 digits) set off by a dash, a space
	// or brackets, then 7–8 digits. A bare run of digits could be any number, and stays.
	landlineLike = regexp.MustCompile(`(^|[^0-9A-Za-z])((?:0[0-9]{2,3}[ -]|[(（]0[0-9]{2,3}[)）] ?)[0-9]{7,8})([^0-9A-Za-z]|$)`)
	// A name after a label that says it is a person's, with a colon: 联系人：张三.
	labelledName = regexp.MustCompile(`(姓名|联系人|负责人|责任人|当事人|举报人|报告人|检查人|整改人|经办人|法定代表人|法人代表|户主|产权人|房主|网格员)([ \t]*[:：][ \t]*)(\p{Han}{2,4})`)
)

// RedactPII is the one masking function for personal data in text: every free-text field of
// every dataset as it is loaded, the quarantine's raw text and reasons, file previews, the
// console log and the run ledger's errors all go through it. It hides what looks like an ID
// number (with a real birth date in it, so a USCC of digits stays readable) as
// [身份证号已隐去], keeps the first three and last four digits of a mobile number
// (138****5678), the area code of a landline (0538-*******), and the first character of a
// name after a label such as 联系人： (张**). Names elsewhere are masked because their
// columns are declared as names (dataset.PersonName), not guessed here.
func RedactPII(s string) string {
	if !maybePII(s) {
		return s
	}
	s = replaceBounded(idLike, s, func(m string) string {
		digits := strings.ReplaceAll(m, " ", "")
		birth := ""
		switch len(digits) {
		case 18:
			birth = digits[6:14]
		case 15:
			birth = "19" + digits[6:12]
		}
		if _, err := time.Parse("20060102", birth); err != nil {
			return m
		}
		return "[身份证号已隐去]"
	})
	s = replaceBounded(phoneLike, s, MaskPhone)
	s = replaceBounded(landlineLike, s, maskLandline)
	return labelledName.ReplaceAllStringFunc(s, func(m string) string {
		sub := labelledName.FindStringSubmatch(m)
		return sub[1] + sub[2] + MaskName(sub[3])
	})
}

// maybePII is the fast path for the many values with nothing to hide: every pattern needs
// seven digits or a label's colon.
func maybePII(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			if digits++; digits >= 7 {
				return true
			}
		case r == ':' || r == '：':
			return true
		}
	}
	return false
}

// maskLandline keeps the area code and its separator and stars the local number (the
// pattern always has a separator).
func maskLandline(m string) string {
	cut := strings.LastIndexAny(m, " -)）")
	_, size := utf8.DecodeRuneInString(m[cut:])
	cut += size
	return m[:cut] + strings.Repeat("*", len(m)-cut)
}

// replaceBounded replaces group 2 of each match of re (groups 1 and 3 are the boundary
// characters, kept). A boundary character consumed by one match hides the next match
// that shares it, so it runs until nothing changes.
func replaceBounded(re *regexp.Regexp, s string, f func(string) string) string {
	for range 8 {
		out := re.ReplaceAllStringFunc(s, func(m string) string {
			sub := re.FindStringSubmatch(m)
			return sub[1] + f(sub[2]) + sub[3]
		})
		if out == s {
			break
		}
		s = out
	}
	return s
}
