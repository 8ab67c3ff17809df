"""Calendar supplements as an office writes them (docs/workspace.md), for the tests.

``NOTICE_2026`` is a transcription of the real notice: 国务院办公厅关于2026年部分节假日安排的通知,
国办发明电〔2025〕7号, dated 2025-11-04, published in full by 新华社 on that day.  chinese-calendar
1.11.0 knows 2026, so the tests can prove the transcription agrees with it.

``FIXTURE_2027`` is NOT the State Council's 2027 notice, which is not available to us: it is a TEST FIXTURE with
invented dates (a plausible 元旦 and 春节) and an invented number, to give the tests a year the package does not know.
Never copy it into a workspace.
"""

NOTICE_2026 = """# 国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）
[[year]]
year = 2026
notice = "国办发明电〔2025〕7号"
published = 2025-11-04
source = "新华社北京2025年11月4日电，全文"

[[year.holiday]]  # 一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
name = "元旦"
start = 2026-01-01
end = 2026-01-03
days = 3
workdays = [2026-01-04]

[[year.holiday]]  # 二、春节：2月15日至23日放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
name = "春节"
start = 2026-02-15
end = 2026-02-23
days = 9
workdays = [2026-02-14, 2026-02-28]

[[year.holiday]]  # 三、清明节：4月4日（周六）至6日（周一）放假，共3天。
name = "清明节"
start = 2026-04-04
end = 2026-04-06
days = 3

[[year.holiday]]  # 四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
name = "劳动节"
start = 2026-05-01
end = 2026-05-05
days = 5
workdays = [2026-05-09]

[[year.holiday]]  # 五、端午节：6月19日（周五）至21日（周日）放假，共3天。
name = "端午节"
start = 2026-06-19
end = 2026-06-21
days = 3

[[year.holiday]]  # 六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
name = "中秋节"
start = 2026-09-25
end = 2026-09-27
days = 3

[[year.holiday]]  # 七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
name = "国庆节"
start = 2026-10-01
end = 2026-10-07
days = 7
workdays = [2026-09-20, 2026-10-10]
"""

FIXTURE_2027 = """# TEST FIXTURE — NOT the State Council's notice for 2027 (not available): invented dates and number.
[[year]]
year = 2027
notice = "测试用 TEST FIXTURE，非真实通知"
published = 2026-11-01

[[year.holiday]]
name = "元旦"
start = 2027-01-01
end = 2027-01-03

[[year.holiday]]
name = "春节"
start = 2027-02-06
end = 2027-02-14
workdays = [2027-02-20]

[[year.holiday]]
name = "清明节"
start = 2027-04-03
end = 2027-04-05

[[year.holiday]]
name = "劳动节"
start = 2027-05-01
end = 2027-05-05
workdays = [2027-04-25]

[[year.holiday]]
name = "端午节"
start = 2027-06-12
end = 2027-06-14

[[year.holiday]]
name = "中秋节"
start = 2027-09-18
end = 2027-09-20

[[year.holiday]]
name = "国庆节"
start = 2027-10-01
end = 2027-10-07
workdays = [2027-09-26, 2027-10-09]
"""
