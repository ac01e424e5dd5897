"""Vocabulary of the generated Label Studio project: words per language, classes with a
Zipf-like long tail, relation names, and the labeling config that names them all."""

from __future__ import annotations

import bisect
import itertools
import random

WORDS: dict[str, tuple[str, str]] = {
    # language: (separator, words)
    "en": (
        " ",
        "the market closed higher on strong demand from buyers in the north while "
        "rainfall delayed harvest and shipping costs rose again this week",
    ),
    "de": (
        " ",
        "die Ernte wurde wegen starker Regenfälle verschoben während die Preise für "
        "Kaffee und Kakao an der Börse weiter stiegen und Händler vorsichtig blieben",
    ),
    "fr": (
        " ",
        "le gouvernement a annoncé une réforme des retraites tandis que les syndicats "
        "appellent à la grève générale dès la semaine prochaine à Paris",
    ),
    "es": (
        " ",
        "la compañía informó beneficios récord gracias a las exportaciones de aceite "
        "de oliva hacia Japón y Canadá durante el último trimestre",
    ),
    "ru": (
        " ",
        "в понедельник правительство объявило о новых мерах поддержки малого бизнеса "  # noqa: RUF001
        "и снижении налоговой нагрузки для регионов Сибири",
    ),
    "el": (
        " ",
        "η κυβέρνηση ανακοίνωσε νέα μέτρα στήριξης για τους αγρότες της Κρήτης μετά "  # noqa: RUF001
        "τις πλημμύρες του χειμώνα",
    ),
    "ar": (
        " ",
        "أعلنت الحكومة عن خطة جديدة لدعم المزارعين في المناطق الريفية بعد موسم "
        "الجفاف الطويل وارتفاع أسعار القمح",
    ),
    "hi": (" ", "सरकार ने किसानों के लिए नई योजना की घोषणा की और बारिश के कारण फसल की कटाई में देरी हुई"),
    "zh": ("", "政府 宣布 新的 农业 补贴 计划 以 支持 受 洪水 影响 的 农民 和 出口 企业"),
    "ja": ("", "政府は 新しい 支援策を 発表し 東京の 市場では 株価が 上昇した と 報じられた"),
    "ko": (" ", "정부는 농민을 위한 새로운 지원 정책을 발표했으며 서울 증시는 상승 마감했다"),
    "th": ("", "รัฐบาล ประกาศ มาตรการ ใหม่ เพื่อ ช่วยเหลือ เกษตรกร หลัง น้ำท่วม ใน ภาคเหนือ"),
}
LANG_WEIGHTS = (30, 10, 8, 8, 8, 3, 6, 5, 8, 5, 5, 4)
"""Share of each language in ``WORDS`` order: mostly English, a long multilingual tail."""


class Zipf:
    """Draw from a fixed vocabulary with Zipf-like weights (rank r has weight 1 / r**s)."""

    def __init__(self, names: list[str], s: float = 1.1) -> None:
        self.names = names
        self.cum = list(itertools.accumulate(1.0 / (r**s) for r in range(1, len(names) + 1)))

    def draw(self, rng: random.Random) -> str:
        """One name; frequent names first."""
        return self.names[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


def _classes(prefix: str, head: list[str], n: int) -> Zipf:
    return Zipf(head + [f"{prefix}_{i:03d}" for i in range(n - len(head))])


IMAGE_CLASSES = _classes(
    "object", ["person", "car", "bicycle", "dog", "traffic_light", "bus", "cat", "truck"], 400
)
TEXT_CLASSES = _classes("entity", ["PER", "ORG", "LOC", "DATE", "MONEY", "PRODUCT", "EVENT"], 150)
AUDIO_CLASSES = _classes(
    "sound", ["speech", "music", "noise", "laughter", "silence", "overlap"], 120
)
RELATIONS = Zipf(["describes", "part_of", "same_as", "near", "holds"])


def label_config() -> str:
    """The labeling config (XML) of the generated project: every object, control and class."""

    def control(tag: str, name: str, to: str, classes: Zipf) -> str:
        labels = "".join(f'<Label value="{c}"/>' for c in classes.names)
        return f'  <{tag} name="{name}" toName="{to}">{labels}</{tag}>'

    relations = "".join(f'<Relation value="{r}"/>' for r in RELATIONS.names)
    return "\n".join(
        [
            "<View>",
            '  <Image name="image" value="$image"/>',
            control("RectangleLabels", "bbox", "image", IMAGE_CLASSES),
            control("PolygonLabels", "poly", "image", IMAGE_CLASSES),
            control("KeyPointLabels", "kp", "image", IMAGE_CLASSES),
            '  <Text name="text" value="$text"/>',
            control("Labels", "ner", "text", TEXT_CLASSES),
            '  <Audio name="audio" value="$audio"/>',
            control("Labels", "segment", "audio", AUDIO_CLASSES),
            '  <TextArea name="transcription" toName="audio" perRegion="true"/>',
            f"  <Relations>{relations}</Relations>",
            "</View>",
            "",
        ]
    )
