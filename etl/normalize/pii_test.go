package normalize

import (
	"strings"
	"testing"
)

// The check characters below were computed by hand (GB 11643-1999, weights
// 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, Σ mod 11 → "10X98765432"):
//
//	11010519491231002X (the standard's own example):
//	  1·7 + 1·9 + 0·10 + 1·5 + 0·8 + 5·4 + 1·2 + 9·1 + 4·6 + 9·3 + 1·7 + 2·9 + 3·10 + 1·5 + 0·8 + 0·4 + 2·2
//	  = 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → 'X'
//	370812198503120020:
//	  3·7 + 7·9 + 0·10 + 8·5 + 1·8 + 2·4 + 1·2 + 9·1 + 8·6 + 5·3 + 0·7 + 3·9 + 1·10 + 2·5 + 0·8 + 0·4 + 2·2
//	  = 21+63+0+40+8+8+2+9+48+15+0+27+10+10+0+0+4 = 265; 265 mod 11 = 1 → '0'
func TestIDCard(t *testing.T) {
	for in, want := range map[string]string{
		"11010519491231002X":   "11010519491231002X",
		"11010519491231002x":   "11010519491231002X", // lower-case x
		" 370812198503120020 ": "370812198503120020",
		"３７０８１２１９８５０３１２００２０": "370812198503120020", // full-width digits, as Excel users type them
		"370812 19850312 0020": "370812198503120020",
		// First generation: 19 goes before 850312 and the check character computed above is appended.
		"370812850312002": "370812198503120020",
	} {
		if got, err := IDCard(in); err != nil || got != want {
			t.Errorf("IDCard(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, why := range map[string]string{
		"":                    "empty",
		"370812198503120021":  "wrong check character (the right one is 0)",
		"110105194912310021":  "wrong check character (the right one is X)",
		"37081219850312002":   "17 characters",
		"3708121985031200200": "19 characters",
		"37081219850312A020":  "a letter among the first 17",
		"370812200102290002":  "2001-02-29 does not exist, even though the check character fits",
		"370812850230002":     "a 15-digit number born 1985-02-30",
		"37081285031200X":     "a 15-digit number never ends in X",
	} {
		if got, err := IDCard(in); err == nil {
			t.Errorf("IDCard(%q) = %q, want an error (%s)", in, got, why)
		} else if strings.Contains(err.Error(), strings.TrimSpace(in)) && in != "" {
			t.Errorf("IDCard(%q): the error repeats the number: %v", in, err)
		}
	}
}

func TestPersonKey(t *testing.T) {
	t.Setenv(SaltEnv, DemoSalt)
	demoSalt.Store(true) // as `safetydw demo` does; the keys below are the demo salt's
	defer demoSalt.Store(false)
	// printf '%s' '11010519491231002Xsafetydw-demo-salt-not-for-production' | sha256sum
	const want = "6f3c07773d64ff7afb70080e9cc87557bc3afc1f6de34935257bb8e10b2c767a"
	for _, in := range []string{"11010519491231002X", "11010519491231002x"} {
		if got, err := PersonKey(in); err != nil || got != want {
			t.Errorf("PersonKey(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := PersonKey("110105194912310021"); err == nil {
		t.Error("PersonKey accepted a number with a wrong check character")
	}
	// Another salt gives another key for the same person.
	t.Setenv(SaltEnv, "production-secret-0123")
	if got, _ := PersonKey("11010519491231002X"); got == want || len(got) != 64 {
		t.Errorf("PersonKey with SAFETYDW_PII_SALT set = %q; want a different 64-digit key", got)
	}
}

func TestMasks(t *testing.T) {
	for in, want := range map[string]string{"张三丰": "张**", "李四": "李*", "欧阳娜娜": "欧***", "王": "*", "": "", " 张 三 ": "张*"} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"13812345678":       "138****5678",
		"138-1234-5678":     "138****5678",
		"+86 138 1234 5678": "138****5678",
		"0537-3412345":      "053****2345", // a landline with its area code: 11 digits, 3 + 4 kept
		"12345":             "*****",
		"":                  "",
	} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactPII(t *testing.T) {
	for in, want := range map[string]string{
		`{"姓名":"张三丰","身份证号":"370812198503120020","手机号":"13812345678"}`: `{"姓名":"张三丰","身份证号":"[身份证号已隐去]","手机号":"138****5678"}`,
		"蒋飞,370812780525310,+86 13107236146":                           "蒋飞,[身份证号已隐去],131****6146",
		"金波\t370812 19780721 1584\t181-1752-5483":                      "金波\t[身份证号已隐去]\t181****5483",
		"13812345678,13912345678":                                      "138****5678,139****5678",
		// A USCC made of digits has no birth date in it and stays; so do counts and dates.
		"913708122046864978,2024-03-05,1250": "913708122046864978,2024-03-05,1250",
		// Landlines with an area code set off; a bare run of digits (a count, a code) stays.
		"值班电话 0538-6221234，传真（0538）62212345": "值班电话 0538-*******，传真（0538）********",
		"(010) 12345678;5381234567":          "(010) ********;5381234567",
		// A name after a label with a colon; the same words without one are not a name.
		"联系人：王小明，负责人:李四 电话13812345678": "联系人：王**，负责人:李* 电话138****5678",
		"责任人员已落实，负责人已到场":               "责任人员已落实，负责人已到场",
	} {
		if got := RedactPII(in); got != want {
			t.Errorf("RedactPII(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSalt: before, an unset SAFETYDW_PII_SALT silently meant the public demo salt, and a
// person_key was reversed to the ID number in 2.2 s. Now only the demo may fall back to it.
func TestSalt(t *testing.T) {
	for salt, why := range map[string]string{
		"":                "unset",
		"short-salt-15ch": "15 characters, one fewer than MinSaltLen",
		DemoSalt:          "the public demo salt outside the demo",
		"一二三四五六七八九十一二三四五": "15 characters (runes, not bytes)",
	} {
		t.Setenv(SaltEnv, salt)
		_, err := Salt()
		if err == nil {
			t.Errorf("Salt() with %q (%s) = nil error, want a refusal", salt, why)
			continue
		}
		if _, kerr := PersonKey("11010519491231002X"); kerr == nil {
			t.Errorf("PersonKey made a key with salt %q (%s)", salt, why)
		}
		for _, must := range []string{SaltEnv, "openssl rand -hex 32", "不可更换"} {
			if !strings.Contains(err.Error(), must) {
				t.Errorf("Salt() with %q: %v; want it to say %q", salt, err, must)
			}
		}
	}
	t.Setenv(SaltEnv, "0123456789abcdef")
	if s, err := Salt(); err != nil || s != "0123456789abcdef" {
		t.Errorf("Salt() with a 16-character salt = %q, %v", s, err)
	}
	t.Setenv(SaltEnv, "")
	demoSalt.Store(true)
	defer demoSalt.Store(false)
	if s, err := Salt(); err != nil || s != DemoSalt {
		t.Errorf("Salt() in the demo, unset = %q, %v; want the demo salt", s, err)
	}
}
