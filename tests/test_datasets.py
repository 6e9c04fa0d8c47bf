"""Tests für die synthetischen Übungsdaten (tools/datagen/fahrradhaus.py).

Die Muster-Tests sichern genau die Befunde ab, auf die die Datenübungen in den Notebooks
``notebooks/de/01_offenheit_kommunikation.ipynb`` (Kommentar-Export) und
``notebooks/de/03_strategisches_denken.ipynb`` (Beitragsexport, Feedback-Log,
Wettbewerbsvergleich) hinführen – einschließlich der Zahlen, die in den `numeric`-Fragen
von ``content/de/03_strategisches_denken.yaml`` stehen.
"""

from pathlib import Path

import pandas as pd
import pytest
import yaml

from smmkit.datasets import (
    load_comment_export,
    load_competitor_benchmark,
    load_feedback_log,
    load_post_export,
)
from tools.datagen.fahrradhaus import (
    COMMENT_EXPORT_COLUMNS,
    COMPANY,
    COMPETITOR,
    COMPETITOR_BENCHMARK_COLUMNS,
    COMPETITOR_BENCHMARK_FILENAME,
    FEEDBACK_KATEGORIEN,
    FEEDBACK_LOG_COLUMNS,
    FEEDBACK_LOG_FILENAME,
    POST_EXPORT_COLUMNS,
    POST_EXPORT_FILENAME,
    SEGMENTE,
    WOCHENTAGE,
    generate_comment_export,
    generate_competitor_benchmark,
    generate_feedback_log,
    generate_post_export,
    write_comment_export,
    write_competitor_benchmark,
    write_feedback_log,
    write_post_export,
    write_strategy_datasets,
)

DATA = Path(__file__).resolve().parents[1] / "src" / "smmkit" / "data"
SHIPPED_CSV = DATA / "kommentare_export.csv"
BANK_03 = Path(__file__).resolve().parents[1] / "content" / "de" / "03_strategisches_denken.yaml"
KRITISCH = ["Kritik", "Beschwerde"]
THEMEN = {
    "Werkstatt": "werkstatt",
    "Online-Shop & Lieferung": "bestell|liefer|versand|online|website",
    "Preis & Rechnung": "preis|rechnung",
    "Beratung & Ton": "beratung|unfreundlich",
}


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return load_comment_export()


def test_regenerated_csv_equals_shipped_csv_byte_for_byte(tmp_path):
    written = write_comment_export(tmp_path / "kommentare_export.csv")
    assert written.read_bytes() == SHIPPED_CSV.read_bytes()


def test_generation_is_deterministic_and_seed_dependent():
    a = generate_comment_export()
    b = generate_comment_export(2012)
    pd.testing.assert_frame_equal(a, b)
    assert not generate_comment_export(7)["text"].equals(a["text"])


def test_loaded_csv_matches_generated_frame(df):
    generated = generate_comment_export()
    assert list(df.columns) == COMMENT_EXPORT_COLUMNS
    assert len(df) == len(generated)
    assert (df["kommentar_id"] == generated["kommentar_id"]).all()
    assert (df["text"] == generated["text"]).all()
    assert (df["datum"] == generated["datum"]).all()
    assert (df["beantwortet"] == generated["beantwortet"]).all()
    pd.testing.assert_series_equal(
        df["antwortzeit_std"], generated["antwortzeit_std"], check_exact=False, atol=1e-9
    )


def test_shape_types_and_value_sets(df):
    assert 400 <= len(df) <= 600
    assert df["kommentar_id"].is_unique
    assert pd.api.types.is_datetime64_any_dtype(df["datum"])
    assert df["datum"].is_monotonic_increasing
    assert df["datum"].min() >= pd.Timestamp("2024-03-01")
    assert df["datum"].max() < pd.Timestamp("2024-06-01")
    assert df["beantwortet"].dtype == bool
    assert set(df["kanal"]) == {
        "Instagram",
        "Facebook",
        "Google-Bewertungen",
        "WhatsApp Business",
        "TikTok",
        "LinkedIn",
    }
    assert set(df["kategorie"]) == {
        "Lob",
        "Frage",
        "Kritik",
        "Beschwerde",
        "Anregung",
        "Troll/Spam",
    }
    assert set(df["stimmung"]) == {"positiv", "neutral", "negativ"}
    assert (df.loc[df["kategorie"] == "Lob", "stimmung"] == "positiv").all()
    assert (df.loc[df["kategorie"] == "Beschwerde", "stimmung"] == "negativ").all()
    # Antwortzeit gibt es genau dann, wenn beantwortet wurde
    assert (df["antwortzeit_std"].isna() == ~df["beantwortet"]).all()
    assert (df["antwortzeit_std"].dropna() > 0).all()
    assert not df["text"].str.contains(r"[{}]").any(), "nicht ersetzter Platzhalter"


def test_google_reviews_answered_slowest_whatsapp_fastest(df):
    beantwortet = df[df["beantwortet"]]
    median = beantwortet.groupby("kanal")["antwortzeit_std"].median()
    assert median.idxmax() == "Google-Bewertungen"
    assert median.idxmin() == "WhatsApp Business"
    assert median["Google-Bewertungen"] > 48
    assert median["WhatsApp Business"] < 4
    ueber_24 = (beantwortet["antwortzeit_std"] > 24).groupby(beantwortet["kanal"]).mean()
    assert ueber_24.idxmax() == "Google-Bewertungen"
    assert ueber_24["Google-Bewertungen"] > 0.8
    assert ueber_24["Instagram"] < 0.3


def test_weekend_complaints_wait_longest(df):
    kritisch = df[df["kategorie"].isin(KRITISCH) & df["beantwortet"]]
    wochenende = kritisch["datum"].dt.day_of_week >= 5
    median_we = kritisch.loc[wochenende, "antwortzeit_std"].median()
    median_wt = kritisch.loc[~wochenende, "antwortzeit_std"].median()
    assert median_we > 3 * median_wt
    # Samstag ist der Wochentag mit der längsten mittleren Wartezeit
    alle = df[df["beantwortet"]]
    per_tag = alle.groupby(alle["datum"].dt.day_of_week)["antwortzeit_std"].median()
    assert per_tag.idxmax() == 5


def test_unanswered_critical_comments(df):
    kritisch = df[df["kategorie"].isin(KRITISCH)]
    anteil = 1 - kritisch["beantwortet"].mean()
    assert 0.2 <= anteil <= 0.45
    per_kanal = 1 - kritisch.groupby("kanal")["beantwortet"].mean()
    assert per_kanal.idxmax() == "Google-Bewertungen"
    assert per_kanal["Google-Bewertungen"] > 0.45
    # Trolle und Spam werden (richtigerweise) fast nie beantwortet
    assert df.loc[df["kategorie"] == "Troll/Spam", "beantwortet"].mean() < 0.1


def test_recurring_complaint_topic_is_the_workshop(df):
    kritisch = df[df["kategorie"].isin(KRITISCH)]
    treffer = pd.DataFrame(
        {
            thema: kritisch["text"].str.contains(muster, case=False)
            for thema, muster in THEMEN.items()
        }
    )
    # jedes kritische Kommentar gehört genau einem Thema an
    assert (treffer.sum(axis=1) == 1).all()
    anzahl = treffer.sum()
    assert anzahl.idxmax() == "Werkstatt"
    assert anzahl["Werkstatt"] / len(kritisch) > 0.45
    assert anzahl["Werkstatt"] > 2 * anzahl.drop("Werkstatt").max()
    # das Thema nimmt im Lauf der Saison zu
    monat = kritisch["datum"].dt.month
    anteil_werkstatt = treffer["Werkstatt"].groupby(monat).mean()
    assert anteil_werkstatt[5] > anteil_werkstatt[3]
    assert treffer["Werkstatt"].groupby(monat).sum().is_monotonic_increasing


# ---------------------------------------------------------------------------------------------
# Modul 3: Beitragsexport, Feedback-Log, Wettbewerbsvergleich
# ---------------------------------------------------------------------------------------------

STRATEGY_FILES = {
    POST_EXPORT_FILENAME: write_post_export,
    FEEDBACK_LOG_FILENAME: write_feedback_log,
    COMPETITOR_BENCHMARK_FILENAME: write_competitor_benchmark,
}
FENSTER = ["6–10 Uhr", "11–14 Uhr", "15–17 Uhr", "18–21 Uhr"]
# Themen-Cluster der negativen Rückmeldungen (wie im Notebook, Aufgabe 8)
CLUSTER = {
    "Akku & Reichweite (Urban E)": "akku|reichweite",
    "Faltschloss FS 90": "schloss|halterung",
    "Andere Teile": "schlauch|brems|schaltung|klingel|ständer",
    "Werkstatt & Termine": "werkstatt|termin",
    "Online-Shop & Lieferung": "bestell|paket|versand|liefer",
    "Beratung & Preis": "beratung|preis|unfreundlich",
}


@pytest.fixture(scope="module")
def posts() -> pd.DataFrame:
    df = load_post_export()
    df["interaktionen"] = df["likes"] + df["kommentare"] + df["shares"]
    df["er_reichweite"] = df["interaktionen"] / df["reichweite"] * 100
    df["ctr"] = df["klicks"] / df["aufrufe"] * 100
    df["stunde"] = df["uhrzeit"].str[:2].astype(int)
    df["zeitfenster"] = pd.cut(df["stunde"], bins=[5, 10, 14, 17, 22], labels=FENSTER)
    return df


@pytest.fixture(scope="module")
def regular(posts) -> pd.DataFrame:
    """Alle Beiträge ohne das Gewinnspiel (so wie im Notebook ab Aufgabe 2)."""
    return posts[posts["thema"] != "Gewinnspiel"]


@pytest.fixture(scope="module")
def feedback() -> pd.DataFrame:
    return load_feedback_log()


@pytest.fixture(scope="module")
def benchmark() -> pd.DataFrame:
    return load_competitor_benchmark()


@pytest.fixture(scope="module")
def bank_numbers() -> dict[str, float]:
    bank = yaml.safe_load(BANK_03.read_text(encoding="utf-8"))
    return {item["id"]: item["answer"] for item in bank["items"] if item["type"] == "numeric"}


@pytest.mark.parametrize("filename", list(STRATEGY_FILES))
def test_strategy_csv_regenerates_byte_for_byte(filename, tmp_path):
    written = STRATEGY_FILES[filename](tmp_path / filename)
    assert written.read_bytes() == (DATA / filename).read_bytes()


def test_write_strategy_datasets_writes_all_three_shipped_files(tmp_path):
    written = write_strategy_datasets(tmp_path)
    assert [p.name for p in written] == list(STRATEGY_FILES)
    for path in written:
        assert path.read_bytes() == (DATA / path.name).read_bytes()


@pytest.mark.parametrize(
    "generate", [generate_post_export, generate_feedback_log, generate_competitor_benchmark]
)
def test_strategy_generators_are_deterministic_and_seed_dependent(generate):
    a = generate()
    pd.testing.assert_frame_equal(a, generate(2048))
    assert not generate(7).equals(a)


def test_loaded_strategy_files_match_generated_frames(posts, feedback, benchmark):
    generated = generate_post_export()
    assert list(load_post_export().columns) == POST_EXPORT_COLUMNS
    for column in POST_EXPORT_COLUMNS:
        assert (posts[column] == generated[column]).all(), column
    generated = generate_feedback_log()
    assert list(feedback.columns) == FEEDBACK_LOG_COLUMNS
    for column in FEEDBACK_LOG_COLUMNS:
        assert (feedback[column] == generated[column]).all(), column
    generated = generate_competitor_benchmark()
    assert list(benchmark.columns) == COMPETITOR_BENCHMARK_COLUMNS
    pd.testing.assert_frame_equal(benchmark, generated, check_dtype=False, atol=0.051)


def test_post_export_shape_types_and_value_sets(posts):
    assert len(posts) == 248
    assert posts["beitrag_id"].is_unique
    assert pd.api.types.is_datetime64_any_dtype(posts["datum"])
    assert posts["datum"].min() >= pd.Timestamp("2024-06-01")
    assert posts["datum"].max() <= pd.Timestamp("2025-05-31")
    stamps = posts["datum"] + pd.to_timedelta(posts["uhrzeit"] + ":00")
    assert stamps.is_monotonic_increasing
    assert posts["uhrzeit"].str.fullmatch(r"\d\d:\d\d").all()
    assert (
        posts["wochentag"] == posts["datum"].dt.day_of_week.map(dict(enumerate(WOCHENTAGE)))
    ).all()
    assert posts.groupby("kanal").size().to_dict() == {
        "Instagram": 104,
        "Facebook": 78,
        "TikTok": 40,
        "LinkedIn": 26,
    }
    assert set(posts["format"]) == {"Reel", "Karussell", "Foto", "Text mit Link"}
    assert set(posts.loc[posts["kanal"] == "TikTok", "format"]) == {"Reel"}
    assert set(posts["segment"]) == set(SEGMENTE)
    assert (posts.loc[posts["kanal"] == "LinkedIn", "datum"].dt.day_of_week < 5).all()
    counts = ["reichweite", "aufrufe", "likes", "kommentare", "shares", "klicks", "follower"]
    for column in counts:
        assert pd.api.types.is_integer_dtype(posts[column]), column
        assert (posts[column] >= 0).all(), column
    assert (posts["aufrufe"] >= posts["reichweite"]).all()
    assert posts["zeitfenster"].notna().all(), "Uhrzeit außerhalb der Zeitfenster"
    # in jedem Monat mindestens ein Beitrag je Kanal (gleichmäßiger Redaktionsplan)
    per_month = posts.groupby([posts["datum"].dt.to_period("M"), "kanal"]).size()
    assert per_month.min() >= 1 and len(per_month) == 48


def test_best_posting_window_is_monday_to_thursday_evening(regular):
    median = regular.pivot_table(
        index="wochentag",
        columns="zeitfenster",
        values="er_reichweite",
        aggfunc="median",
        observed=False,
    ).reindex(WOCHENTAGE)
    count = regular.pivot_table(
        index="wochentag",
        columns="zeitfenster",
        values="er_reichweite",
        aggfunc="count",
        observed=False,
    ).reindex(WOCHENTAGE)
    shown = median.where(count >= 5)
    evening = shown.loc["Montag":"Donnerstag", "18–21 Uhr"]
    rest = shown.drop(columns="18–21 Uhr").stack()
    # alle vier Werktagsabende liegen über jeder anderen Zelle
    assert evening.min() > rest.max()
    assert evening.min() > 6
    assert shown.stack().idxmax() in [(day, "18–21 Uhr") for day in WOCHENTAGE[:4]]
    mask = (regular["datum"].dt.day_of_week <= 3) & (regular["stunde"] >= 18)
    assert (
        regular.loc[mask, "er_reichweite"].median()
        > 1.6 * regular.loc[~mask, "er_reichweite"].median()
    )


def test_families_respond_to_reels(regular):
    median = regular.pivot_table(
        index="segment", columns="format", values="er_reichweite", aggfunc="median"
    )
    count = regular.pivot_table(
        index="segment", columns="format", values="er_reichweite", aggfunc="count"
    )
    shown = median.where(count >= 5).stack()
    assert shown.idxmax() == ("Familien", "Reel")
    assert shown[("Familien", "Reel")] > 1.3 * shown.drop(("Familien", "Reel")).max()
    reels = regular[regular["format"] == "Reel"]
    ctr = reels.groupby("segment")["ctr"].median()
    assert ctr.idxmax() == "Familien"
    assert ctr["Familien"] > 1.5 * ctr.drop("Familien").max()
    families = regular[regular["segment"] == "Familien"]
    by_channel = families.groupby("kanal")["er_reichweite"].median()
    assert by_channel["Facebook"] < 0.5 * min(by_channel["Instagram"], by_channel["TikTok"])
    assert set(families["thema"]) == {"Kinderräder", "Familientouren", "Lastenräder"}
    # unter den Familien-Reels wirken Kinderräder am stärksten (Interaktionen und Klicks)
    by_topic = families[families["format"] == "Reel"].groupby("thema")[["er_reichweite", "ctr"]]
    assert (by_topic.median().idxmax() == "Kinderräder").all()
    # Eltern reagieren werktags abends besonders stark
    evening = (families["datum"].dt.day_of_week <= 3) & (families["stunde"] >= 18)
    by_time = families.groupby(evening)["er_reichweite"].median()
    assert by_time[True] > 1.8 * by_time[False]


def test_raffle_is_the_vanity_trap(posts, regular):
    raffle = posts[posts["thema"] == "Gewinnspiel"]
    assert len(raffle) == 1
    row = raffle.iloc[0]
    assert row["beitrag_id"] == "B072"
    assert row["reichweite"] == posts["reichweite"].max()
    assert row["reichweite"] > 5 * regular["reichweite"].max()
    # niedrigste Klickrate aller Instagram-Beiträge, die überhaupt Klicks hatten
    instagram_clicked = posts[(posts["kanal"] == "Instagram") & (posts["klicks"] > 0)]
    assert row["ctr"] == instagram_clicked["ctr"].min()
    assert (posts["ctr"] < row["ctr"]).sum() <= 10
    instagram = regular[regular["kanal"] == "Instagram"]
    assert instagram["ctr"].median() > 10 * row["ctr"]
    assert row["interaktionen"] / row["follower"] > 1.5  # über 150 % „nach Followern“
    # die Gewinnspiel-Follower sind nach einigen Wochen großteils wieder weg
    after = posts[(posts["kanal"] == "Instagram") & (posts["datum"] > row["datum"])]
    first_after = after.iloc[0]["follower"]
    assert first_after - row["follower"] > 500
    november = after[after["datum"].dt.month == 11].iloc[0]["follower"]
    assert november - row["follower"] < 300


def test_feedback_log_shape_and_value_sets(feedback):
    assert 500 <= len(feedback) <= 650
    assert feedback["feedback_id"].is_unique
    assert pd.api.types.is_datetime64_any_dtype(feedback["datum"])
    assert feedback["datum"].is_monotonic_increasing
    assert feedback["datum"].min() >= pd.Timestamp("2024-06-01")
    assert feedback["datum"].max() < pd.Timestamp("2025-06-01")
    assert set(feedback["kategorie"]) == set(FEEDBACK_KATEGORIEN)
    assert set(feedback["stimmung"]) == {"positiv", "neutral", "negativ"}
    assert (feedback.loc[feedback["kategorie"] == "Lob", "stimmung"] == "positiv").all()
    negative = feedback[feedback["stimmung"] == "negativ"]
    assert set(negative["kategorie"]) == {"Produktmangel", "Servicekritik"}


def test_negative_feedback_clusters_and_battery_complaints(feedback):
    negative = feedback[feedback["stimmung"] == "negativ"]
    hits = pd.DataFrame(
        {name: negative["text"].str.contains(p, case=False) for name, p in CLUSTER.items()}
    )
    assert (hits.sum(axis=1) == 1).all(), "jede negative Rückmeldung gehört genau einem Cluster an"
    counts = hits.sum()
    battery = counts["Akku & Reichweite (Urban E)"]
    assert counts.idxmax() == "Akku & Reichweite (Urban E)"
    assert battery > 1.6 * counts.drop("Akku & Reichweite (Urban E)").max()
    # Akku-Beschwerden häufen sich im Winter, Höhepunkt im Januar
    month = negative["datum"].dt.month
    per_month = hits["Akku & Reichweite (Urban E)"].groupby(month).sum()
    assert per_month.idxmax() == 1
    assert per_month[[11, 12, 1, 2]].sum() > 0.55 * battery
    # die Schlosshalterung ist erst ab September ein Thema (neue Charge)
    lock = negative.loc[hits["Faltschloss FS 90"], "datum"]
    assert lock.min() >= pd.Timestamp("2024-09-01")
    # Werkstatt-Kritik steigt im Frühjahr
    workshop = hits["Werkstatt & Termine"].groupby(month).sum()
    assert workshop[[4, 5]].sum() > 3 * workshop[[11, 12]].sum()


def test_suggestions_point_to_new_products(feedback):
    ideas = feedback.loc[feedback["kategorie"] == "Anregung", "text"]
    assert ideas.str.contains("akku", case=False).sum() >= 10
    assert ideas.str.contains("kinderr", case=False).sum() >= 10
    questions = feedback.loc[feedback["kategorie"] == "Frage", "text"]
    assert questions.str.contains("kinder", case=False).sum() >= 15


def test_competitor_benchmark_shape_and_consistency(benchmark, posts):
    assert len(benchmark) == 12 * 4 + 12 * 3
    assert set(benchmark["anbieter"]) == {COMPANY, COMPETITOR}
    assert sorted(benchmark["monat"].unique()) == [
        str(m) for m in pd.period_range("2024-06", "2025-05", freq="M")
    ]
    assert "LinkedIn" not in set(benchmark.loc[benchmark["anbieter"] == COMPETITOR, "kanal"])
    assert benchmark.notna().all().all()
    # die Zeilen des Fahrradhauses stimmen mit dem Beitragsexport überein
    own = benchmark[benchmark["anbieter"] == COMPANY].set_index(["monat", "kanal"])
    month = posts["datum"].dt.to_period("M").astype(str)
    grouped = posts.groupby([month, "kanal"])
    assert (grouped.size() == own["beitraege"].loc[grouped.size().index]).all()
    mean = grouped["interaktionen"].mean().round(1)
    assert (abs(mean - own["interaktionen_pro_beitrag"].loc[mean.index]) < 0.051).all()


def test_competitor_grows_much_faster_on_tiktok(benchmark):
    table = benchmark.pivot_table(index="monat", columns=["anbieter", "kanal"], values="follower")
    growth = (table.iloc[-1] / table.iloc[0] - 1) * 100
    assert growth[(COMPETITOR, "TikTok")] > 5 * growth[(COMPANY, "TikTok")]
    assert growth[(COMPETITOR, "TikTok")] > 1000
    assert growth[(COMPANY, "Instagram")] > growth[(COMPETITOR, "Instagram")]
    assert table[(COMPETITOR, "TikTok")].iloc[-1] > table[(COMPANY, "TikTok")].iloc[-1] * 3
    interactions = benchmark.pivot_table(
        index="monat", columns=["anbieter", "kanal"], values="interaktionen_pro_beitrag"
    )
    typical = interactions.median()
    assert typical[(COMPANY, "Instagram")] > 1.5 * typical[(COMPETITOR, "Instagram")]
    ahead = interactions[(COMPANY, "Instagram")] > interactions[(COMPETITOR, "Instagram")]
    assert ahead.sum() >= 10
    posts_per_month = benchmark.groupby(["anbieter", "kanal"])["beitraege"].sum()
    assert posts_per_month[(COMPETITOR, "TikTok")] > 3 * posts_per_month[(COMPANY, "TikTok")]
    # Kellers Rabattaktion im März: Spitze bei Beiträgen und Interaktionen auf Instagram
    keller = benchmark[(benchmark["anbieter"] == COMPETITOR) & (benchmark["kanal"] == "Instagram")]
    keller = keller.set_index("monat")
    assert keller["beitraege"].idxmax() == "2025-03"
    assert keller["interaktionen_pro_beitrag"].idxmax() == "2025-03"


def test_numeric_answers_in_module_03_match_the_data(posts, feedback, benchmark, bank_numbers):
    post = posts.set_index("beitrag_id").loc["B107"]
    assert post["er_reichweite"] == pytest.approx(bank_numbers["strategie.kpi-04"], abs=0.01)
    raffle = posts.set_index("beitrag_id").loc["B072"]
    assert raffle["ctr"] == pytest.approx(bank_numbers["strategie.kpi-05"], abs=0.0005)
    negative = feedback[feedback["stimmung"] == "negativ"]
    share = negative["text"].str.contains("akku|reichweite", case=False).mean() * 100
    assert share == pytest.approx(bank_numbers["strategie.monitoring-02"], abs=0.05)
    tiktok = benchmark[(benchmark["anbieter"] == COMPETITOR) & (benchmark["kanal"] == "TikTok")]
    start, end = tiktok["follower"].iloc[0], tiktok["follower"].iloc[-1]
    assert (end / start - 1) * 100 == pytest.approx(
        bank_numbers["strategie.wettbewerb-01"], abs=0.05
    )
    # die Zahlen in den Aufgabentexten
    assert (post["reichweite"], post["aufrufe"], post["follower"]) == (4257, 5824, 3057)
    assert (post["likes"], post["kommentare"], post["shares"], post["klicks"]) == (529, 59, 38, 129)
    assert (raffle["reichweite"], raffle["aufrufe"], raffle["klicks"]) == (48300, 57900, 37)
    assert (raffle["interaktionen"], raffle["follower"]) == (4886, 2800)
    assert (len(feedback), len(negative)) == (560, 189)
    assert feedback["text"].str.contains("akku|reichweite", case=False).sum() == 110
    assert (start, end) == (255, 4686)


def test_every_shipped_data_set_is_regenerated_byte_for_byte(tmp_path):
    from tools.datagen.__main__ import write_all

    written = write_all(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in DATA.glob("*.csv"))
    for path in written:
        assert path.read_bytes() == (DATA / path.name).read_bytes(), path.name
