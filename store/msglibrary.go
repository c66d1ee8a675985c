package store

import "strconv"

// The built-in library of subscribe-message templates: real templates of the public library
// with their real tids and keyword ids (kid), key names and keyword types, as collected in
// WECHAT_API_NOTES §3.9 from shops' seed data (CRMEB, meidianyi). The library lists only the
// keywords those sources show; the real ones may have more. Titles and names are the
// platform's Chinese, which the API answers; the pages show them through the catalog
// ("msg.tmpl.<tid>", "msg.kw.<tid>.<kid>"), in both languages.

// TemplateTypeOneTime is gettemplate's type of a one-time subscription template (2; 3 is
// long-term, which the sandbox does not offer).
const TemplateTypeOneTime = 2

// TemplateKeyword is one keyword of a template: its kid, its type (see KeywordRules), its
// name and an example value that passes the type's rule.
type TemplateKeyword struct {
	KID     int
	Rule    string
	Name    string
	Example string
}

// Key is the keyword's key in content and in subscribe/send's data: type then kid, "thing1".
func (k TemplateKeyword) Key() string { return k.Rule + strconv.Itoa(k.KID) }

// LibraryTemplate is a template of the public library.
type LibraryTemplate struct {
	TID      int
	Title    string
	Keywords []TemplateKeyword // by kid
}

// Keyword finds the template's keyword kid.
func (t LibraryTemplate) Keyword(kid int) (TemplateKeyword, bool) {
	for _, k := range t.Keywords {
		if k.KID == kid {
			return k, true
		}
	}
	return TemplateKeyword{}, false
}

func kw(kid int, rule, name, example string) TemplateKeyword {
	return TemplateKeyword{KID: kid, Rule: rule, Name: name, Example: example}
}

// MessageLibrary is the whole library, in the order the console offers it.
var MessageLibrary = []LibraryTemplate{
	{1458, "发货通知", []TemplateKeyword{kw(1, RuleThing, "快递公司", "顺丰速运"), kw(2, RuleString, "快递单号", "SF1234567890123"),
		kw(3, RuleTime, "发货时间", "2019年10月1日 15:01"), kw(5, RuleThing, "订单商品", "无线蓝牙耳机")}},
	{3637, "订单发货通知", []TemplateKeyword{kw(2, RuleString, "订单号", "20191001150100001"), kw(4, RuleThing, "快递公司", "中通快递"),
		kw(5, RuleString, "快递单号", "ZT7531598246")}},
	{855, "订单发货通知", []TemplateKeyword{kw(1, RuleString, "订单号", "FM23875239482"), kw(2, RuleThing, "商品名称", "纯棉短袖T恤"),
		kw(3, RulePhrase, "快递类型", "普通快递"), kw(4, RuleString, "快递单号", "YT4512378960")}},
	{1128, "订单配送通知", []TemplateKeyword{kw(1, RuleString, "订单编号", "D201910010001"), kw(4, RuleName, "配送人", "李四"),
		kw(8, RuleThing, "商品信息", "鲜牛奶 2 瓶"), kw(10, RulePhoneNumber, "配送员电话", "+86-0766-66888866")}},
	{1927, "付款成功通知", []TemplateKeyword{kw(1, RuleString, "付款单号", "P20191001150100"), kw(2, RuleAmount, "付款金额", "104.00元"),
		kw(3, RuleDate, "付款时间", "2019年10月1日 15:01")}},
	{1134, "订单取消通知", []TemplateKeyword{kw(1, RuleThing, "取消原因", "超时未支付"), kw(2, RuleDate, "取消时间", "2019-10-01 15:01"),
		kw(5, RuleThing, "订单类型", "普通订单"), kw(7, RuleNumber, "订单号", "201910010001")}},
	{1451, "退款通知", []TemplateKeyword{kw(1, RuleThing, "退款状态", "退款成功"), kw(2, RuleThing, "退款商品", "无线蓝牙耳机"),
		kw(3, RuleAmount, "退款金额", "¥199.00"), kw(6, RuleString, "退款单号", "R201910010001")}},
	{1468, "申请退款通知", []TemplateKeyword{kw(2, RuleAmount, "订单金额", "¥199.00"), kw(4, RuleString, "订单编号", "D201910010001"),
		kw(5, RuleDate, "申请时间", "2019年10月1日"), kw(7, RulePhrase, "退款状态", "审核中"), kw(8, RuleThing, "备注", "商家将在3天内处理")}},
	{1476, "新订单提醒", []TemplateKeyword{kw(1, RuleThing, "订单类型", "外卖订单"), kw(2, RuleThing, "订单商品", "宫保鸡丁饭"),
		kw(3, RuleAmount, "订单金额", "28.50元"), kw(4, RuleString, "订单编号", "D201910010002"), kw(6, RuleDate, "订单时间", "2019-10-01 12:30")}},
	{1481, "收货结果通知", []TemplateKeyword{kw(1, RuleThing, "订单类型", "普通订单"), kw(2, RuleThing, "订单商品", "纯棉短袖T恤"),
		kw(5, RuleDate, "收货时间", "2019/10/03")}},
	{3098, "拼团成功通知", []TemplateKeyword{kw(1, RuleThing, "活动名称", "三人团秋季水果礼盒"), kw(2, RuleNumber, "成团人数", "3"),
		kw(3, RuleName, "团长", "王五"), kw(5, RuleDate, "开团时间", "2019年10月1日 09:00")}},
	{2727, "砍价成功通知", []TemplateKeyword{kw(1, RuleThing, "商品名称", "智能手环"), kw(2, RuleAmount, "底价", "¥9.90"),
		kw(3, RuleThing, "备注", "请在24小时内下单")}},
	{3116, "核销成功通知", []TemplateKeyword{kw(2, RuleThing, "商品名称", "双人下午茶套餐"), kw(3, RuleString, "订单号", "H201910010001"),
		kw(4, RuleTime, "核销时间", "2019-10-01 15:01:30")}},
	{755, "充值成功通知", []TemplateKeyword{kw(1, RuleString, "交易单号", "T201910010001"), kw(3, RuleAmount, "充值金额", "100.00元"),
		kw(4, RuleAmount, "账户余额", "¥258.80"), kw(5, RuleDate, "充值时间", "2019年10月1日 15:01")}},
	{1470, "提现结果通知", []TemplateKeyword{kw(1, RuleThing, "提现状态", "已到账"), kw(2, RuleAmount, "提现金额", "50.00元"),
		kw(3, RuleThing, "提现账号", "微信零钱"), kw(4, RuleDate, "提现时间", "2019-10-01")}},
	{335, "积分到账提醒", []TemplateKeyword{kw(2, RuleString, "订单编号", "D201910010003"), kw(3, RuleThing, "商品名称", "有机大米5kg"),
		kw(4, RuleAmount, "支付金额", "¥59.00"), kw(5, RuleNumber, "获得积分", "59"), kw(6, RuleNumber, "累计积分", "1280")}},
	{1972, "余额变动提醒", []TemplateKeyword{kw(1, RuleAmount, "变动金额", "¥20.00"), kw(2, RuleAmount, "账户余额", "¥238.80"),
		kw(3, RuleTime, "变动时间", "15:01"), kw(4, RuleThing, "变动原因", "消费扣款")}},
	{818, "审核结果通知", []TemplateKeyword{kw(2, RulePhrase, "审核结果", "已通过"), kw(3, RuleTime, "审核时间", "2019年10月1日 15:01"),
		kw(4, RuleThing, "审核说明", "资料齐全，审核通过")}},
	{861, "会员等级变更通知", []TemplateKeyword{kw(1, RulePhrase, "会员等级", "黄金会员"), kw(2, RuleDate, "变更时间", "10月1日"),
		kw(3, RuleThing, "备注说明", "感谢您的支持")}},
	{1116, "抽奖结果通知", []TemplateKeyword{kw(1, RuleThing, "活动名称", "国庆幸运大抽奖"), kw(2, RuleDate, "抽奖时间", "2019.10.01"),
		kw(3, RuleThing, "抽奖结果", "恭喜获得二等奖")}},
}

// libraryTemplate finds a template of the library by tid.
func libraryTemplate(tid int) (LibraryTemplate, bool) {
	for _, t := range MessageLibrary {
		if t.TID == tid {
			return t, true
		}
	}
	return LibraryTemplate{}, false
}
