package samplegen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

var (
	surnames   = []rune("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段")
	givenChars = []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红海波鹏辉宁飞斌宇浩凯健俊帆鑫晨欣琳雪梅春燕文博冬庆胜利德成")
)

// person is someone who appears in person-level records; the ID number and
// phone are in clear, as the source systems hold them.
type person struct {
	name, idNo, phone string
}

func newPerson(r *rand.Rand) person {
	name := string(surnames[r.IntN(len(surnames))])
	for range between(r, 1, 2) {
		name += string(givenChars[r.IntN(len(givenChars))])
	}
	return person{name: name, idNo: idNumber(r), phone: mobile(r)}
}

// idNumber is an 18-digit 居民身份证号 (GB 11643) with a valid check
// character, mostly born in 兖州 (370812) or nearby counties.
func idNumber(r *rand.Rand) string {
	area := pick(r, []string{"370812", "370811", "370830", "370831", "370881", "370882", "370883"}, []float64{70, 6, 6, 4, 6, 4, 4})
	birth := day(1963, 1, 1).AddDate(0, 0, r.IntN(40*365))
	s := fmt.Sprintf("%s%s%03d", area, birth.Format("20060102"), r.IntN(1000))
	return s + string(idCheck(s))
}

func idCheck(s17 string) byte {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(s17[i]-'0') * w
	}
	return "10X98765432"[sum%11]
}

func mobile(r *rand.Rand) string {
	prefix := oneOf(r, "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157",
		"158", "159", "166", "176", "177", "180", "181", "182", "186", "187", "188", "189", "199")
	return fmt.Sprintf("%s%08d", prefix, r.IntN(100000000))
}

// sloppyID returns the ID number as a clerk might have typed it, and what is
// wrong, or "" when it is left clean.
func sloppyID(r *rand.Rand, p person) (string, string) {
	switch x := r.Float64(); {
	case x < 0.003 && strings.HasSuffix(p.idNo, "X"):
		return strings.ToLower(p.idNo), "lower-case x check character"
	case x < 0.004:
		// A first-generation 15-digit number: no century, no check digit.
		return p.idNo[:6] + p.idNo[8:17], "15-digit first-generation ID number"
	case x < 0.007:
		return p.idNo[:6] + " " + p.idNo[6:14] + " " + p.idNo[14:], "ID number with spaces"
	}
	return p.idNo, ""
}

func sloppyPhone(r *rand.Rand, p person) (string, string) {
	switch x := r.Float64(); {
	case x < 0.002:
		return "+86 " + p.phone, "phone with +86 prefix"
	case x < 0.004:
		return p.phone[:3] + "-" + p.phone[3:7] + "-" + p.phone[7:], "phone with dashes"
	}
	return p.phone, ""
}
