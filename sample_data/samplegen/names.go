package samplegen

import (
	"math/rand/v2"
	"strings"

	"safetydw/warehouse/refdata"
)

// zihao are two-character trade names (字号) of the kind Shandong companies use.
var zihao = strings.Fields(`恒泰 华瑞 鑫源 宏达 金盛 永昌 润丰 天成 博远 汇通 鼎新 嘉禾 顺发 泰和 宏远 德信
佳运 益民 康利 聚丰 正大 同创 精工 银河 亿达 广源 盛世 腾飞 海纳 中正 明辉 旭日 东方 瑞丰 金鼎 福源 祥和
利民 华通 安泰 宏图 兴达 鲁源 泗河 九州 春晖 新华 世纪 万通 鸿运 长城 齐鲁 凯达 荣升 振华 玉龙 金穗 丰源
洁美 通达 宇航 鑫达 华兴 泰山 汇丰 和顺 金源 瑞康 恒通 创新 联合 远航 国泰 富源 中达 元亨 锦程 嘉诚 信达
宏盛 圣地 孔孟 运河 少陵 昌隆 盛源 天润 兖通 济兖`)

// industryWords are the business words that follow the trade name.
var industryWords = map[string][]string{
	"HC.OPER": {"化工贸易", "化学品销售", "化工产品经营"}, "HC.STOR": {"化工仓储", "危化品仓储"},
	"HC.TRAN": {"危险货物运输", "化工物流"}, "HC.USE": {"化工科技", "新材料科技", "涂料", "精细化工"},
	"IT.NH3": {"冷藏", "冷链物流", "食品"}, "IT.CS": {"食品", "酿造", "造纸", "环保科技", "酒业"},
	"IT.LAB": {"服装", "纺织", "电子", "鞋业", "制衣"}, "IT.MECH": {"机械", "机械制造", "精密机械", "汽车配件", "机电设备"},
	"IT.BM": {"建材", "水泥制品", "新型建材", "混凝土"}, "CONS.HB": {"建筑工程", "建设工程", "建筑安装工程"},
	"CONS.MUNI": {"市政工程", "路桥工程", "市政建设"}, "GAS": {"燃气", "天然气", "液化气"},
	"ROAD": {"运输", "物流", "汽车运输"}, "FIRE": {"酒店管理", "宾馆", "商贸", "文化娱乐", "百货"},
	"FIRE.MALL": {"购物广场", "商业管理", "超市"}, "FIRE.RELIC": {"文化旅游", "文旅发展"},
	"SEWAGE": {"污水处理", "水务", "环保水处理"}, "GRAIN": {"粮食储备", "粮油储备"}, "LOGI": {"仓储物流", "供应链管理", "物流园"},
	"POWER": {"热电", "电力", "新能源"}, "WATER": {"水利工程", "供水"}, "SE": {"电梯工程", "特种设备", "起重机械"},
	"AGRI": {"农业机械", "农业科技", "农机服务"}, "POST": {"快递", "速递", "快运"}, "SELFBLD": {"宾馆", "饭店", "商店", "旅馆"},
	"OTHER":   {"商贸", "科技", "餐饮管理", "包装", "印刷", "五金", "家居", "建材销售", "汽车服务", "农产品"},
	"HC.PROD": {"化工"},
}

var dustWords = map[string][]string{
	"金属": {"金属制品", "铝业", "机械配件", "五金制品"}, "木": {"木业", "家具", "木制品"},
	"粮食": {"粮油", "面粉"}, "饲料": {"饲料"}, "塑料": {"塑胶", "塑业"}, "纺织": {"纺织", "棉纺"}, "其他": {"新材料", "碳素"},
}

// namer hands out unique, plausible unit names.
type namer struct{ used map[string]bool }

func newNamer() *namer { return &namer{used: map[string]bool{}} }

func (n *namer) reserve(name string) { n.used[name] = true }

func townShort(t refdata.Town) string {
	s := strings.TrimSuffix(t.Name, "街道")
	return strings.TrimSuffix(s, "镇")
}

// name builds a unique unit name that fits the industry.
func (n *namer) name(r *rand.Rand, e *enterprise, town refdata.Town) string {
	for try := 0; ; try++ {
		s := n.candidate(r, e, town, try)
		if !n.used[s] {
			n.used[s] = true
			return s
		}
	}
}

func (n *namer) candidate(r *rand.Rand, e *enterprise, town refdata.Town, try int) string {
	zh := oneOf(r, zihao...)
	if try > 20 {
		// A crowded combination: use a four-character trade name.
		zh += oneOf(r, zihao...)
	}
	ts := townShort(town)
	code := e.Industry.Code
	switch code {
	case "OILGAS":
		brand := pick(r, []string{"中国石化销售股份有限公司山东济宁兖州", "中国石油天然气股份有限公司山东济宁销售分公司兖州", "济宁市兖州区"},
			[]float64{45, 35, 20})
		return brand + ts + zh + "加油站"
	case "FW":
		return "兖州区" + ts + zh + "烟花爆竹零售点"
	case "FIRE.HOSP":
		return "济宁市兖州区" + zh + oneOf(r, "医院", "中西医结合医院", "骨科医院", "妇产医院")
	case "FIRE.ELDER":
		return oneOf(r, "兖州区"+ts+zh+"养老院", "济宁市兖州区"+zh+"颐养中心", "兖州区"+ts+zh+"敬老院")
	case "FIRE.SCHOOL":
		return oneOf(r, "兖州区"+zh+"实验学校", "兖州区"+ts+zh+"学校", "济宁市兖州区"+zh+"中学")
	}
	word := ""
	if e.DustType != "" {
		word = oneOf(r, dustWords[e.DustType]...)
	} else if ws, ok := industryWords[code]; ok {
		word = oneOf(r, ws...)
	} else {
		word = oneOf(r, industryWords["OTHER"]...)
	}
	if e.Scale == "个体" {
		return "兖州区" + ts + zh + word + oneOf(r, "店", "部", "经营部", "加工厂")
	}
	prefix := pick(r, []string{"济宁市兖州区", "山东", "兖州", "济宁", "济宁市兖州区" + ts}, []float64{40, 25, 15, 10, 10})
	form := pick(r, []string{"有限公司", "有限责任公司"}, []float64{85, 15})
	if e.Scale == "规上" && chance(r, 0.08) {
		form = "股份有限公司"
	}
	if e.Scale == "小微" && chance(r, 0.3) {
		form = oneOf(r, "厂", "经营部", "商行")
	}
	return prefix + zh + word + form
}
