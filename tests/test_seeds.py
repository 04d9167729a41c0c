"""The sample corpus is real published text: it must stay byte for byte as it was shared."""

import hashlib

import pytest

from tests.conftest import ROOT, SEEDS

SHARED_SEEDS = ROOT.parent / "shared" / "seeds"


def test_five_seed_articles():
    assert len(sorted(SEEDS.glob("*.txt"))) == 5


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_seed_is_byte_identical_to_shared_copy(name):
    ours = hashlib.sha256((SEEDS / name).read_bytes()).hexdigest()
    theirs = hashlib.sha256((SHARED_SEEDS / name).read_bytes()).hexdigest()
    assert ours == theirs
