"""Substance facts for the sample hazard lists (위해식품 차단정보 / 반입차단 원료·성분, 샘플).

Names, synonyms, salt forms and categories are public facts (see ../shared/DOMAIN.md); the designation
dates and reason sentences are invented for the sample. Each entry:
(Korean name, English name, other names, category, use group or None). The use group says which kind of
product hides it (weight / sexual / sleep / muscle / stimulant / joint); None = listed but not used in
any sample product (realistic: most list entries are rarely detected).
"""

from __future__ import annotations

NARCOTIC = "마약류"
DRUG = "의약품 성분"
NONFOOD = "식품 사용불가 원료"

SUBSTANCES: list[tuple[str, str, list[str], str, str | None]] = [
    # weight loss
    ("시부트라민", "Sibutramine", ["西布曲明", "シブトラミン", "sibutramine hydrochloride", "시부트라민염산염",
                             "Sibutramine HCl", "sibutramine hydrochloride monohydrate"], NARCOTIC, "weight"),
    ("N-데스메틸시부트라민", "N-Desmethylsibutramine", ["去甲基西布曲明", "desmethylsibutramine", "데스메틸시부트라민"],
     DRUG, "weight"),
    ("N,N-디데스메틸시부트라민", "N,N-Didesmethylsibutramine", ["双去甲基西布曲明", "didesmethylsibutramine",
                                                           "디데스메틸시부트라민"], DRUG, "weight"),
    ("페놀프탈레인", "Phenolphthalein", ["酚酞", "フェノールフタレイン"], DRUG, "weight"),
    ("비사코딜", "Bisacodyl", ["比沙可啶", "ビサコジル"], DRUG, "weight"),
    ("센노사이드", "Sennosides", ["番泻苷", "センノシド", "sennoside A", "sennoside B", "센노시드"], DRUG, "weight"),
    ("센나잎", "Senna leaf", ["番泻叶", "センナ", "Cassia angustifolia leaf", "센나엽"], NONFOOD, "weight"),
    ("펜플루라민", "Fenfluramine", ["芬氟拉明", "fenfluramine hydrochloride", "펜플루라민염산염"], NARCOTIC, "weight"),
    ("펜터민", "Phentermine", ["芬特明", "フェンテルミン", "phentermine hydrochloride", "펜터민염산염"], NARCOTIC, "weight"),
    ("로카세린", "Lorcaserin", ["氯卡色林", "lorcaserin hydrochloride", "로카세린염산염"], NARCOTIC, "weight"),
    ("리모나반트", "Rimonabant", ["利莫那班", "リモナバン"], DRUG, "weight"),
    ("오르리스타트", "Orlistat", ["奥利司他", "オルリスタット", "tetrahydrolipstatin"], DRUG, "weight"),
    ("푸로세미드", "Furosemide", ["呋塞米", "フロセミド", "frusemide"], DRUG, "weight"),
    ("플루옥세틴", "Fluoxetine", ["氟西汀", "フルオキセチン", "fluoxetine hydrochloride", "플루옥세틴염산염"], DRUG, "weight"),
    ("에페드린", "Ephedrine", ["麻黄碱", "エフェドリン", "ephedrine hydrochloride", "에페드린염산염",
                            "ephedrine sulfate"], DRUG, "weight"),
    ("마황", "Ephedra", ["麻黄", "マオウ", "Ephedra sinica", "ma huang"], NONFOOD, "weight"),
    ("2,4-디니트로페놀", "2,4-Dinitrophenol", ["2,4-二硝基苯酚", "DNP", "2,4-DNP", "디니트로페놀"], NONFOOD, "weight"),
    # stimulants (pre-workout)
    ("1,3-디메틸아밀아민", "1,3-Dimethylamylamine", ["DMAA", "methylhexanamine", "메틸헥산아민", "geranamine",
                                               "1,3-二甲基戊胺"], NONFOOD, "stimulant"),
    ("1,3-디메틸부틸아민", "1,3-Dimethylbutylamine", ["DMBA", "AMP citrate", "4-amino-2-methylpentane"], NONFOOD,
     "stimulant"),
    # sexual
    ("실데나필", "Sildenafil", ["西地那非", "シルデナフィル", "sildenafil citrate", "실데나필시트르산염", "구연산실데나필"],
     DRUG, "sexual"),
    ("타다라필", "Tadalafil", ["他达拉非", "タダラフィル"], DRUG, "sexual"),
    ("바데나필", "Vardenafil", ["伐地那非", "バルデナフィル", "vardenafil hydrochloride", "바데나필염산염"], DRUG, "sexual"),
    ("호모실데나필", "Homosildenafil", ["豪莫西地那非", "homo-sildenafil"], DRUG, "sexual"),
    ("하이드록시호모실데나필", "Hydroxyhomosildenafil", ["羟基豪莫西地那非", "hydroxy homosildenafil"], DRUG, "sexual"),
    ("홍데나필", "Hongdenafil", ["红地那非", "acetildenafil", "아세틸데나필"], DRUG, "sexual"),
    ("아미노타다라필", "Aminotadalafil", ["氨基他达拉非"], DRUG, "sexual"),
    ("치오실데나필", "Thiosildenafil", ["硫代西地那非", "thio-sildenafil", "티오실데나필"], DRUG, "sexual"),
    ("잔소안트라필", "Xanthoanthrafil", ["benzamidenafil", "벤즈아미데나필"], DRUG, "sexual"),
    ("요힘빈", "Yohimbine", ["育亨宾", "ヨヒンビン", "yohimbine hydrochloride", "요힘빈염산염"], DRUG, "sexual"),
    ("요힘베 나무껍질", "Yohimbe bark", ["Pausinystalia johimbe", "育亨宾树皮", "요힘베"], NONFOOD, "sexual"),
    ("다폭세틴", "Dapoxetine", ["达泊西汀", "dapoxetine hydrochloride", "다폭세틴염산염"], DRUG, "sexual"),
    ("리도카인", "Lidocaine", ["利多卡因", "リドカイン", "lignocaine", "lidocaine hydrochloride", "리도카인염산염"], DRUG,
     "sexual"),
    ("아바나필", "Avanafil", ["阿伐那非", "アバナフィル"], DRUG, "sexual"),
    ("우데나필", "Udenafil", ["乌地那非"], DRUG, None),
    # sleep
    ("멜라토닌", "Melatonin", ["褪黑素", "メラトニン", "N-acetyl-5-methoxytryptamine"], DRUG, "sleep"),
    ("5-하이드록시트립토판", "5-Hydroxytryptophan", ["5-HTP", "oxitriptan", "5-羟基色氨酸"], DRUG, "sleep"),
    ("페니부트", "Phenibut", ["β-phenyl-GABA", "fenibut", "4-amino-3-phenylbutyric acid", "非尼布特"], DRUG, "sleep"),
    ("디펜하이드라민", "Diphenhydramine", ["苯海拉明", "ジフェンヒドラミン", "diphenhydramine hydrochloride",
                                      "디펜히드라민염산염"], DRUG, "sleep"),
    ("독실아민", "Doxylamine", ["多西拉敏", "doxylamine succinate", "독시라민숙신산염"], DRUG, "sleep"),
    ("디아제팜", "Diazepam", ["地西泮", "ジアゼパム"], NARCOTIC, "sleep"),
    ("알프라졸람", "Alprazolam", ["阿普唑仑", "アルプラゾラム"], NARCOTIC, "sleep"),
    ("조피클론", "Zopiclone", ["佐匹克隆", "ゾピクロン"], NARCOTIC, "sleep"),
    ("졸피뎀", "Zolpidem", ["唑吡坦", "ゾルピデム", "zolpidem tartrate", "졸피뎀타르타르산염"], NARCOTIC, None),
    ("로라제팜", "Lorazepam", ["劳拉西泮", "ロラゼパム"], NARCOTIC, None),
    ("트라조돈", "Trazodone", ["曲唑酮", "trazodone hydrochloride", "트라조돈염산염"], DRUG, None),
    # muscle
    ("메틸테스토스테론", "Methyltestosterone", ["甲基睾酮", "メチルテストステロン", "17α-methyltestosterone"], DRUG, "muscle"),
    ("메탄드로스테놀론", "Methandrostenolone", ["美雄酮", "metandienone", "dianabol", "다이아나볼"], DRUG, "muscle"),
    ("스타노졸롤", "Stanozolol", ["司坦唑醇", "winstrol", "윈스트롤"], DRUG, "muscle"),
    ("난드롤론", "Nandrolone", ["诺龙", "nandrolone decanoate", "난드롤론데카노에이트", "19-nortestosterone"], DRUG, "muscle"),
    ("볼데논", "Boldenone", ["勃地酮", "boldenone undecylenate", "볼데논운데실레네이트"], DRUG, "muscle"),
    ("오스타린", "Ostarine", ["MK-2866", "enobosarm", "에노보삼", "奥斯他林"], DRUG, "muscle"),
    ("안다린", "Andarine", ["S4", "S-4", "GTx-007", "安达林"], DRUG, "muscle"),
    ("리간드롤", "Ligandrol", ["LGD-4033", "LGD4033", "VK5211"], DRUG, "muscle"),
    ("테스톨론", "Testolone", ["RAD-140", "RAD140"], DRUG, "muscle"),
    ("카르다린", "Cardarine", ["GW501516", "GW-501516", "endurobol"], DRUG, "muscle"),
    ("이부타모렌", "Ibutamoren", ["MK-677", "MK-0677", "ibutamoren mesylate"], DRUG, "muscle"),
    ("클렌부테롤", "Clenbuterol", ["克伦特罗", "clenbuterol hydrochloride", "클렌부테롤염산염"], DRUG, "muscle"),
    ("디하이드로에피안드로스테론", "Dehydroepiandrosterone", ["DHEA", "prasterone", "普拉睾酮"], DRUG, "muscle"),
    # joint / other
    ("덱사메타손", "Dexamethasone", ["地塞米松", "デキサメタゾン", "dexamethasone sodium phosphate"], DRUG, "joint"),
    ("글리벤클라미드", "Glibenclamide", ["格列苯脲", "グリベンクラミド", "glyburide"], DRUG, "joint"),
    ("프레드니솔론", "Prednisolone", ["泼尼松龙", "プレドニゾロン"], DRUG, "joint"),
    ("디클로페낙", "Diclofenac", ["双氯芬酸", "diclofenac sodium", "디클로페낙나트륨"], DRUG, "joint"),
    ("인도메타신", "Indomethacin", ["吲哚美辛", "indometacin"], DRUG, "joint"),
    ("피록시캄", "Piroxicam", ["吡罗昔康"], DRUG, "joint"),
    ("메트포르민", "Metformin", ["二甲双胍", "metformin hydrochloride", "메트포르민염산염"], DRUG, None),
    ("리오티로닌", "Liothyronine", ["T3", "三碘甲状腺原氨酸", "liothyronine sodium"], DRUG, "weight"),
    ("레보티록신", "Levothyroxine", ["T4", "左甲状腺素", "levothyroxine sodium"], DRUG, None),
    ("갑상선 분말", "Thyroid powder", ["desiccated thyroid", "甲状腺粉"], NONFOOD, None),
    ("토피라메이트", "Topiramate", ["托吡酯"], DRUG, None),
    ("부프로피온", "Bupropion", ["安非他酮", "bupropion hydrochloride", "부프로피온염산염"], DRUG, None),
    ("페닐프로판올아민", "Phenylpropanolamine", ["PPA", "norephedrine", "노르에페드린", "苯丙醇胺"], DRUG, None),
    ("히게나민", "Higenamine", ["norcoclaurine", "去甲乌药碱"], DRUG, None),
    ("피라세탐", "Piracetam", ["吡拉西坦"], DRUG, None),
    ("모다피닐", "Modafinil", ["莫达非尼", "モダフィニル"], NARCOTIC, None),
    # stimulant analogues
    ("1,4-디메틸아밀아민", "1,4-Dimethylamylamine", ["1,4-DMAA"], NONFOOD, None),
    ("2-아미노이소헵탄", "2-Aminoisoheptane", ["DMHA", "octodrine", "옥토드린", "2-amino-6-methylheptane"], NONFOOD, None),
    ("베타-메틸페네틸아민", "beta-Methylphenethylamine", ["BMPEA", "β-methylphenethylamine"], NONFOOD, None),
    # botanicals and raw materials not allowed in food
    ("카바카바", "Kava", ["Piper methysticum", "卡瓦胡椒", "카바"], NONFOOD, None),
    ("카스카라사그라다", "Cascara sagrada", ["Rhamnus purshiana", "药鼠李皮"], NONFOOD, None),
    ("쥐방울덩굴", "Aristolochia", ["aristolochic acid", "马兜铃酸", "아리스톨로크산"], NONFOOD, None),
    ("컴프리", "Comfrey", ["Symphytum officinale", "聚合草"], NONFOOD, None),
    ("부자", "Aconite root", ["附子", "Aconitum carmichaelii", "aconitine", "아코니틴"], NONFOOD, None),
    ("마전자", "Nux vomica seed", ["马钱子", "Strychnos nux-vomica", "strychnine", "스트리키닌"], NONFOOD, None),
    ("섬수", "Toad venom", ["蟾酥", "Chan Su", "bufotoxin"], NONFOOD, None),
    ("주사", "Cinnabar", ["朱砂", "mercury sulfide", "진사"], NONFOOD, None),
    ("파두", "Croton seed", ["巴豆", "Croton tiglium"], NONFOOD, None),
    ("견우자", "Pharbitis seed", ["牵牛子", "morning glory seed"], NONFOOD, None),
    ("사향", "Musk", ["麝香", "Moschus"], DRUG, None),
    ("우황", "Bezoar", ["牛黄", "Calculus Bovis"], DRUG, None),
    # narcotics
    ("앵속", "Opium poppy", ["罂粟", "Papaver somniferum", "양귀비"], NARCOTIC, None),
    ("대마", "Cannabis", ["大麻", "marijuana", "대마초"], NARCOTIC, None),
    ("테트라하이드로칸나비놀", "Tetrahydrocannabinol", ["THC", "Δ9-THC", "dronabinol", "四氢大麻酚"], NARCOTIC, None),
    ("카트", "Khat", ["Catha edulis", "阿拉伯茶", "cathinone", "카티논"], NARCOTIC, None),
    ("크라톰", "Kratom", ["Mitragyna speciosa", "帽柱木", "mitragynine", "미트라기닌"], NARCOTIC, None),
    ("살비아 디비노럼", "Salvia divinorum", ["salvinorin A", "살비노린A"], NARCOTIC, None),
    ("감마하이드록시부티르산", "gamma-Hydroxybutyric acid", ["GHB", "γ-羟基丁酸", "sodium oxybate"], NARCOTIC, None),
]

# Released (지정 해제, APPN_RELS_DVS "N"): kept in the list with RELS_DT / RELS_RSN; must not trigger a block.
RELEASED = {
    "피라세탐": "의약품 관리체계로 일원화되어 반입차단 목록에서 해제",
    "히게나민": "재평가 결과 식품 원료 사용 여부를 별도 고시로 관리하게 되어 해제",
    "카스카라사그라다": "식품 원료 기준 개정에 따라 별도 관리 대상으로 전환되어 해제",
    "인도메타신": "의약품 성분 관리 대상 재분류에 따라 해제",
    "피록시캄": "의약품 성분 관리 대상 재분류에 따라 해제",
}

# Analogues that turn up in products before the list catches up: in the product list, NOT in the
# blocked-ingredient list (the label check must say "ingredient not on the list", not "safe").
UNLISTED_ANALOGUES = {
    "sexual": ["데스메틸카보데나필", "노르네오실데나필", "프로폭시페닐 실데나필"],
    "weight": ["벤질시부트라민"],
}

REASONS = {
    NARCOTIC: "[마약류] 마약류 관리에 관한 법률에 따른 마약류(향정신성의약품 등)로 식품에 사용할 수 없어 국내 반입 차단",
    DRUG: "[의약품 성분] 전문의약품 성분으로 오남용 및 부작용 우려가 있어 식품에 사용할 수 없으므로 국내 반입 차단",
    NONFOOD: "[식품 사용불가 원료] 식품에 사용할 수 없는 원료로 독성·부작용 우려가 있어 국내 반입 차단",
}
