"""Built-in multilingual names of substances most often hidden in supplements (위해성분 다국어 이름).

The product list (I2715) names detected ingredients in Korean only, and the blocked-ingredient list
may lack a Chinese, Japanese, Thai or Vietnamese name (Vietnamese drops the final -e: sibutramin);
this table bridges the scripts a label is printed in. It only
adds aliases: whether a substance blocks is always decided by the lists themselves.
Keys are the Korean names used by the lists.
"""

from __future__ import annotations

SUBSTANCE_ALIASES: dict[str, list[str]] = {
    "시부트라민": ["sibutramine", "西布曲明", "シブトラミン", "sibutramin", "ไซบูทรามีน"],
    "N-데스메틸시부트라민": ["N-desmethylsibutramine", "desmethylsibutramine"],
    "N,N-디데스메틸시부트라민": ["N,N-didesmethylsibutramine", "didesmethylsibutramine"],
    "페놀프탈레인": ["phenolphthalein", "酚酞", "フェノールフタレイン", "phenolphtalein", "ฟีนอล์ฟทาลีน"],
    "비사코딜": ["bisacodyl", "比沙可啶", "ไบซาโคดิล"],
    "센노사이드": ["sennoside", "sennosides"],
    "센나잎": ["senna leaf", "番泻叶", "センナ"],
    "펜플루라민": ["fenfluramine", "芬氟拉明"],
    "펜터민": ["phentermine", "芬特明"],
    "로카세린": ["lorcaserin", "氯卡色林"],
    "리모나반트": ["rimonabant", "利莫那班"],
    "오르리스타트": ["orlistat", "奥利司他"],
    "푸로세미드": ["furosemide", "呋塞米", "furosemid"],
    "플루옥세틴": ["fluoxetine", "氟西汀", "fluoxetin", "ฟลูออกซิทีน"],
    "에페드린": ["ephedrine", "麻黄碱", "エフェドリン", "ephedrin", "อีเฟดรีน"],
    "마황": ["ephedra", "麻黄"],
    "2,4-디니트로페놀": ["2,4-dinitrophenol", "2,4-二硝基苯酚"],
    "1,3-디메틸아밀아민": ["1,3-dimethylamylamine", "DMAA"],
    "1,3-디메틸부틸아민": ["1,3-dimethylbutylamine", "DMBA"],
    "실데나필": ["sildenafil", "西地那非", "シルデナフィル", "ซิลเดนาฟิล"],
    "타다라필": ["tadalafil", "他达拉非", "タダラフィル", "ทาดาลาฟิล"],
    "바데나필": ["vardenafil", "伐地那非"],
    "호모실데나필": ["homosildenafil", "豪莫西地那非"],
    "하이드록시호모실데나필": ["hydroxyhomosildenafil", "羟基豪莫西地那非"],
    "홍데나필": ["hongdenafil", "红地那非"],
    "아미노타다라필": ["aminotadalafil", "氨基他达拉非"],
    "치오실데나필": ["thiosildenafil"],
    "잔소안트라필": ["xanthoanthrafil"],
    "요힘빈": ["yohimbine", "育亨宾", "ヨヒンビン", "yohimbin", "โยฮิมบีน"],
    "다폭세틴": ["dapoxetine"],
    "리도카인": ["lidocaine"],
    "멜라토닌": ["melatonin", "褪黑素", "เมลาโทนิน"],
    "5-하이드록시트립토판": ["5-hydroxytryptophan", "5-HTP"],
    "페니부트": ["phenibut"],
    "디펜하이드라민": ["diphenhydramine"],
    "독실아민": ["doxylamine"],
    "디아제팜": ["diazepam", "地西泮"],
    "알프라졸람": ["alprazolam", "阿普唑仑"],
    "조피클론": ["zopiclone", "佐匹克隆"],
    "메틸테스토스테론": ["methyltestosterone"],
    "메탄드로스테놀론": ["methandrostenolone", "dianabol"],
    "스타노졸롤": ["stanozolol"],
    "난드롤론": ["nandrolone"],
    "볼데논": ["boldenone"],
    "오스타린": ["ostarine", "MK-2866"],
    "안다린": ["andarine"],
    "덱사메타손": ["dexamethasone", "地塞米松", "dexamethason", "เดกซาเมทาโซน"],
    "글리벤클라미드": ["glibenclamide", "格列苯脲", "glibenclamid"],
}
