package org.carebridge.ledger;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MerkleFrontierTest {

    @Test
    void theFrontierRootIsTheMerkleTreeHashAtEverySize() {
        List<byte[]> leaves = leaves(1100, 1);
        MerkleFrontier frontier = MerkleFrontier.empty();
        assertThat(frontier.rootHex()).isEqualTo(MerkleTree.rootHex(List.of()));
        for (int n = 1; n <= leaves.size(); n++) {
            frontier.append(leaves.get(n - 1));
            assertThat(frontier.size()).isEqualTo(n);
            assertThat(frontier.rootHex()).as("size %d", n).isEqualTo(MerkleTree.rootHex(leaves.subList(0, n)));
        }
    }

    @Test
    void aStoredFrontierContinuesFromWhereItWasSaved() {
        Random random = new Random(42);
        for (int trial = 0; trial < 80; trial++) {
            int total = 1 + random.nextInt(2500);
            int cut = random.nextInt(total + 1);
            List<byte[]> leaves = leaves(total, trial);
            MerkleFrontier first = MerkleFrontier.empty();
            leaves.subList(0, cut).forEach(first::append);
            String saved = first.toText();
            assertThat(saved).startsWith(cut + ":");
            MerkleFrontier resumed = MerkleFrontier.fromText(saved);
            assertThat(resumed.rootHex()).isEqualTo(MerkleTree.rootHex(leaves.subList(0, cut)));
            leaves.subList(cut, total).forEach(resumed::append);
            assertThat(resumed.rootHex()).as("%d leaves, saved at %d", total, cut).isEqualTo(MerkleTree.rootHex(leaves));
        }
    }

    @Test
    void aMalformedFrontierIsRefused() {
        MerkleFrontier three = MerkleFrontier.empty();
        leaves(3, 7).forEach(three::append);
        String text = three.toText();
        assertThat(MerkleFrontier.fromText(text).toText()).isEqualTo(text);
        assertThatThrownBy(() -> MerkleFrontier.fromText(text.replaceFirst("^3:", "4:"))).hasMessageContaining("has 1 roots, not 2");
        assertThatThrownBy(() -> MerkleFrontier.fromText("x:")).hasMessageContaining("number");
        assertThatThrownBy(() -> MerkleFrontier.fromText("1:abc")).hasMessageContaining("hex");
        assertThat(MerkleFrontier.fromText("0:").size()).isZero();
    }

    private static List<byte[]> leaves(int n, int seed) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            leaves.add(LedgerHashes.leafHash(("entry " + seed + "/" + i).getBytes(StandardCharsets.UTF_8)));
        }
        return leaves;
    }
}
