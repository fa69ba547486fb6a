"""The board pack: a real PDF printed by WeasyPrint, read back with pypdf. Its text carries exactly the page's
figures; it is A4 with a title page, contents with page numbers, running page numbers, vector charts and
absolute links; a second download prints nothing; only members who may read the review get it."""

import io
import re
from datetime import timedelta
from html import unescape

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from pypdf import PdfReader

from apps.engagements.models import Learning
from apps.reviews import pack as printing
from apps.reviews import packs
from apps.reviews.models import PACK_BUILD_TIMEOUT, Pack, PackStatus
from tests.organizations.factories import MembershipFactory
from tests.reviews.world import SUMMARY, SUMMARY_NB, at, log

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)  # points


def flat(text):
    return re.sub(r"\s+", " ", text).strip()


def pdf_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(b"".join(response.streaming_content)))


def pdf_text(reader):
    return flat(" ".join(page.extract_text() for page in reader.pages))


def ask(client, url="/review/2026-04/pack/"):
    response = client.post(url)
    assert response.status_code == 302
    return response


def download(client, url="/review/2026-04/pack/"):
    response = ask(client, url)
    assert re.fullmatch(r"/review/packs/\d+/download/", response.url)
    return pdf_of(client.get(response.url))


def figure_rows(page_html):
    """Each row of "The month in numbers" as the page shows it: the heading and its three cells."""
    rows = {}
    for row_id, row in re.findall(r'<tr id="(figure-[a-z-]+)">(.*?)</tr>', page_html, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        cells = [flat(unescape(re.sub(r"<[^>]+>", " ", cell))) for cell in cells]
        rows[row_id] = " ".join(cells)
    return rows


def test_the_pack_has_the_pages_figures_exactly(client_for, world):
    client = client_for(world["board"])
    page = client.get("/review/2026-04/").content.decode()

    text = pdf_text(download(client))

    rows = figure_rows(page)
    assert rows["figure-hours"] == "Hours with customers 1.8 h 1.2 h +0.6"
    assert len(rows) == 9
    for row in rows.values():
        assert row in text
    assert SUMMARY in text
    for leader_row in ("Leo London 1.5 1.0 150 %", "Olga Oslo 0.3 1.0 33 %"):
        assert leader_row in text
    assert "“I waited twenty minutes” heard by Leo London at Leeds High Street" in text


def test_the_pack_is_a4_with_a_title_page_contents_and_page_numbers(client_for, world):
    reader = download(client_for(world["board"]))

    pages = len(reader.pages)
    assert pages >= 3
    assert {(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in reader.pages} == {A4}
    title_lines = reader.pages[0].extract_text().splitlines()
    title = flat(reader.pages[0].extract_text())
    assert title.startswith(f"{world['org'].name} Customer review: April 2026 Whole organization {SUMMARY} Contents")
    assert re.search(r"Generated 20 May 2026, 13:00 by Bea Board\.", title)
    assert f"on {settings.SITE_URL} (signing in is needed)" in title
    # The contents give each section's page: "Time with customers ..... 2".
    contents = [found.groups() for line in title_lines if (found := re.fullmatch(r"(\S.*?) (?:\. )+(\d+)", line))]
    assert [name for name, _ in contents] == [
        "The month in numbers",
        "Time with customers",
        "Where leaders went",
        "What customers said",
        "What came of it",
        "Customer scores and leader presence",
        "Decisions for this meeting",
    ]
    for name, number in contents:
        assert name in flat(reader.pages[int(number) - 1].extract_text())
    for index in range(1, pages):
        body = flat(reader.pages[index].extract_text())
        # The running header and the page number are the page's last text (its margin boxes).
        assert body.endswith(f"{world['org'].name} · April 2026 Page {index + 1} of {pages}")
    assert "Page 1 of" not in title
    assert reader.metadata.title == f"Customer review: April 2026 · {world['org'].name}"
    assert reader.metadata.author == "Bea Board"


def test_the_charts_are_vector_graphics_and_the_links_absolute(client_for, world):
    reader = download(client_for(world["board"]))

    images = [name for page in reader.pages for name in page.images]
    assert images == []  # the charts are drawn with paths and text, not pictures
    text = pdf_text(reader)
    assert "Hours with customers by kind" in text  # a chart's title, as text
    links = [
        annotation.get_object()["/A"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    uris = [link["/URI"] for link in links if "/URI" in link]
    assert uris
    assert all(uri.startswith(settings.SITE_URL + "/") for uri in uris)
    assert f"{settings.SITE_URL}/review/2026-04/" not in uris  # the contents point inside the file
    assert any(uri.startswith(f"{settings.SITE_URL}/feed/?") for uri in uris)


def test_a_norwegian_reader_gets_the_pack_in_norwegian(client_for, world):
    board = world["board"]
    board.user.language = "nb"
    board.user.save()

    reader = download(client_for(board))

    text = pdf_text(reader)
    assert SUMMARY_NB in text
    assert flat(reader.pages[1].extract_text()).endswith(f"· april 2026 Side 2 av {len(reader.pages)}")
    assert Pack.objects.get().language == "nb"


def test_a_second_download_of_unchanged_data_prints_nothing(client_for, world, monkeypatch):
    client = client_for(world["board"])
    first = download(client)
    printed = []
    original = printing.render_pdf
    monkeypatch.setattr(printing, "render_pdf", lambda *a, **k: printed.append(1) or original(*a, **k))

    second = ask(client)

    assert printed == []
    assert Pack.objects.count() == 1
    assert pdf_text(pdf_of(client.get(second.url))) == pdf_text(first)


def test_changed_data_is_a_new_pack_and_the_old_file_goes(client_for, world, django_capture_on_commit_callbacks):
    client = client_for(world["board"])
    download(client)
    old = Pack.objects.get()

    bags = [("Bags split at the till", "My bag tore")]
    log(world["leo"], at(2026, 4, 28, 9), 30, kind="customer_call", learnings=bags)
    with django_capture_on_commit_callbacks(execute=True):
        text = pdf_text(download(client))

    new = Pack.objects.get()
    assert new.pk != old.pk and new.data_version != old.data_version
    assert "4 learnings" in text
    assert not default_storage.exists(old.file.name)
    assert Learning.objects.filter(text="Bags split at the till").count() == 1


def test_each_scope_and_language_is_its_own_pack(client_for, world):
    client = client_for(world["board"])
    download(client)
    download(client, f"/review/2026-04/pack/?region={world['north'].pk}")
    download(client, f"/review/2026-04/pack/?team={world['cleo'].pk}")

    assert sorted(Pack.objects.values_list("scope_key", flat=True)) == sorted(
        ["all", f"region-{world['north'].pk}", f"team-{world['cleo'].pk}"]
    )


def test_a_large_review_is_printed_by_a_worker_with_its_progress_shown(client_for, world, monkeypatch):
    monkeypatch.setattr(printing, "INLINE_ROWS", 0)
    client = client_for(world["board"])

    response = ask(client)

    pack = Pack.objects.get()
    assert response.url == f"/review/packs/{pack.pk}/"
    assert pack.status == PackStatus.PENDING
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Waiting for a worker to print the pack…" in page.content.decode()
    partial = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="pack-progress"')
    assert 'hx-trigger="every 1s"' in partial

    assert packs.pack_build(pack_id=pack.pk) is True
    assert packs.pack_build(pack_id=pack.pk) is False  # a second worker finds it claimed

    pack.refresh_from_db()
    assert (pack.status, pack.progress, pack.html) == (PackStatus.READY, 100, "")
    partial = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial
    assert f'href="/review/packs/{pack.pk}/download/"' in partial
    assert "The pack is ready: " in partial


def test_a_failed_print_says_so_and_asking_again_prints_it(client_for, world, monkeypatch):
    client = client_for(world["board"])
    original = printing.render_pdf

    def broken(*args, **kwargs):
        raise OSError("no fonts")

    monkeypatch.setattr(printing, "render_pdf", broken)
    with pytest.raises(OSError):
        ask(client)
    pack = Pack.objects.get()
    assert (pack.status, pack.error) == (PackStatus.FAILED, "no fonts")
    page = client.get(f"/review/packs/{pack.pk}/").content.decode()
    assert "The pack could not be printed. Ask for it again from the review" in page

    monkeypatch.setattr(printing, "render_pdf", original)
    download(client)
    assert Pack.objects.get().status == PackStatus.READY


def test_only_members_who_may_read_the_review_get_the_pack(client, client_for, world):
    download(client_for(world["board"]))
    pack = Pack.objects.get()
    urls = [f"/review/packs/{pack.pk}/", f"/review/packs/{pack.pk}/download/"]

    stranger = MembershipFactory(role="board")
    for url in urls:
        assert client_for(stranger).get(url).status_code == 404
    # A chief of staff reads their own team's review only: the whole organization's pack is not theirs.
    for url in urls:
        assert client_for(world["cleo"]).get(url).status_code == 404
    client.logout()
    response = client.get(urls[1])
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_chief_of_staff_gets_their_teams_pack_whatever_they_ask(client_for, world):
    reader = download(client_for(world["cleo"]), f"/review/2026-04/pack/?region={world['north'].pk}")

    assert Pack.objects.get().scope_key == f"team-{world['cleo'].pk}"
    assert "Cleo Chief's executives" in pdf_text(reader)


def test_a_pack_is_asked_for_with_a_post_and_a_valid_period(client_for, world):
    client = client_for(world["board"])

    assert client.get("/review/2026-04/pack/").status_code == 405
    refused = client.post("/review/2026-06/pack/")
    assert refused.status_code == 400
    assert "June 2026 has not started yet" in refused.content.decode()
    assert Pack.objects.count() == 0


def test_the_download_is_a_private_attachment_named_for_the_review(client_for, world):
    client = client_for(world["board"])
    response = client.get(ask(client).url)

    assert response["Content-Disposition"] == 'attachment; filename="customer-review-2026-04-whole-organization.pdf"'
    assert response["Cache-Control"] == "private, no-cache"


def test_a_pack_no_worker_printed_in_time_stops_the_wait(client_for, world, monkeypatch):
    monkeypatch.setattr(printing, "INLINE_ROWS", 0)
    client = client_for(world["board"])
    pack = Pack.objects.get(pk=int(ask(client).url.split("/")[-2]))
    Pack.objects.filter(pk=pack.pk).update(claimed_at=pack.claimed_at - PACK_BUILD_TIMEOUT - timedelta(seconds=1))

    partial = client.get(f"/review/packs/{pack.pk}/", headers={"HX-Request": "true"}).content.decode()

    assert "hx-trigger" not in partial
    assert "The pack could not be printed. Ask for it again from the review" in partial
    monkeypatch.setattr(printing, "INLINE_ROWS", 150)
    download(client)  # asked again: printed
    assert Pack.objects.get().status == PackStatus.READY
