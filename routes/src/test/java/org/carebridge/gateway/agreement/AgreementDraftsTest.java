package org.carebridge.gateway.agreement;



import org.carebridge.gateway.support.GatewayTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

import java.time.Duration;
import java.time.LocalDate;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The four-eyes lifecycle of an agreement drafted in the console, against the real agreement checks and ledger. */
class AgreementDraftsTest extends GatewayTest {

    @Autowired
    AgreementDrafts drafts;

    @Autowired
    AgreementRegistry registry;

    @Autowired
    WebApplicationContext context;

    private static String freshId() {
        return "four-eyes-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void noOneWhoWroteADraftMayApproveIt() {
        String id = freshId();
        LocalDate start = registry.today().plusDays(30);
        AgreementDrafts.Draft draft = drafts.upload(id + ".yaml", AgreementDraftTexts.agreement(id, 1, start), new AgreementDrafts.Author("lead", "admin"));
        drafts.edit(draft.id(), AgreementDraftTexts.agreement(id, 1, start).replace("P7Y", "P8Y"), new AgreementDrafts.Author("editor", "admin"));

        for (String author : new String[]{"lead", "editor"}) {
            assertThatThrownBy(() -> drafts.approve(draft.id(), new AgreementDrafts.Author(author, "ig-officer"))).isInstanceOf(AgreementDrafts.Refusal.class)
                    .hasMessageContaining("You wrote or edited this draft, so you cannot approve it");
        }
        assertThat(drafts.draft(draft.id()).orElseThrow().state()).isEqualTo(AgreementDrafts.State.DRAFT);
        assertThat(registry.current().agreements()).noneMatch(a -> a.id().equals(id));

        AgreementDrafts.Draft approved = drafts.approve(draft.id(), new AgreementDrafts.Author("second", "ig-officer"));
        assertThat(approved.state()).isEqualTo(AgreementDrafts.State.APPROVED);
        assertThat(approved.approvedBy()).isEqualTo("second");
        assertThat(registry.current().agreements()).anyMatch(a -> a.id().equals(id) && a.retention().getYears() == 8);
        assertThatThrownBy(() -> drafts.edit(draft.id(), AgreementDraftTexts.agreement(id, 1, start), new AgreementDrafts.Author("lead", "admin")))
                .isInstanceOf(AgreementDrafts.Refusal.class).hasMessageContaining("already approved");

        await().atMost(Duration.ofSeconds(20)).until(() -> ledger(id, "CONFIG_CHANGED") == 3 && ledger(id, "REFUSED") == 2);
        assertThat(jdbc.queryForList("select actor || ' ' || outcome || ' ' || reason from audit_entry where agreement_id = ? "
                + "and kind = 'CONFIG_CHANGED' order by seq", String.class, id))
                .satisfiesExactly(
                        e -> assertThat(e).startsWith("lead agreement-drafted").contains("before=none after=draft text=sha256:"),
                        e -> assertThat(e).startsWith("editor agreement-draft-edited").containsPattern("before=sha256:\\w+ after=sha256:\\w+"),
                        e -> assertThat(e).startsWith("second agreement-approved").contains("before=draft after=approved", "authors=lead,editor"));
    }

    @Test
    void anApprovedAgreementComesIntoForceOnItsStartDate() {
        String id = freshId();
        LocalDate start = registry.today().plusDays(30);
        AgreementDrafts.Draft draft = drafts.upload(id + ".yaml", AgreementDraftTexts.agreement(id, 1, start), new AgreementDrafts.Author("lead", "admin"));
        drafts.approve(draft.id(), new AgreementDrafts.Author("second", "ig-officer"));
        var agreement = registry.current().agreements().stream().filter(a -> a.id().equals(id)).findFirst().orElseThrow();
        assertThat(AgreementStanding.on(agreement, registry.today()).state()).isEqualTo(AgreementStanding.State.NOT_YET_IN_FORCE);
        assertThat(AgreementStanding.on(agreement, start).state()).isEqualTo(AgreementStanding.State.IN_FORCE);

        assertThat(drafts.noteComingIntoForce(start.minusDays(1))).doesNotContain(id + " v1");
        assertThat(drafts.noteComingIntoForce(start)).contains(id + " v1");
        assertThat(drafts.noteComingIntoForce(start)).doesNotContain(id + " v1");
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject("select count(*) from audit_entry where agreement_id = ? "
                + "and outcome = 'agreement-in-force' and reason like ?", Long.class, id, "%before=approved after=in-force from=" + start + "%") == 1);
    }

    @Test
    void aDraftThatFailsTheChecksNamesFileAndLineAndChangesNothing() {
        String id = freshId();
        long before = jdbc.queryForObject("select count(*) from agreement_draft", Long.class);
        assertThatThrownBy(() -> drafts.upload("return-home-v9.yaml", AgreementDraftTexts.withUnknownEvent(id), new AgreementDrafts.Author("lead", "admin")))
                .isInstanceOfSatisfying(AgreementDrafts.Invalid.class, e -> assertThat(e.problems())
                        .containsExactly("return-home-v9.yaml: line 20: rule 'responsible-authority': event 'return-home-chat' is not in the event code system"));
        assertThatThrownBy(() -> drafts.upload("../../etc/passwd", AgreementDraftTexts.agreement(id, 1, LocalDate.of(2027, 1, 1)),
                new AgreementDrafts.Author("lead", "admin"))).isInstanceOf(AgreementDrafts.Refusal.class).hasMessageContaining("ending .yaml");
        // the same id and version as a file in config/agreements/ with overlapping validity
        assertThatThrownBy(() -> drafts.upload("placement.yaml", AgreementDraftTexts.agreement("placement-notification", 1,
                LocalDate.of(2027, 1, 1)), new AgreementDrafts.Author("lead", "admin"))).isInstanceOfSatisfying(AgreementDrafts.Invalid.class,
                e -> assertThat(e.problems().get(0)).contains("placement.yaml", "give the new text a new version"));
        assertThat(jdbc.queryForObject("select count(*) from agreement_draft", Long.class)).isEqualTo(before);
    }

    @Test
    void theApprovePageTellsAPersonWithBothRolesThatTheyCannotApproveTheirOwnDraft() throws Exception {
        String id = freshId();
        AgreementDrafts.Draft draft = drafts.upload(id + ".yaml", AgreementDraftTexts.agreement(id, 1, registry.today().plusDays(30)),
                new AgreementDrafts.Author("both-roles", "admin"));
        MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).build();
        mvc.perform(post("/console/agreements/drafts/" + draft.id() + "/approve").secure(true)
                        .with(SecurityMockMvcRequestPostProcessors.user("both-roles").roles("ADMIN", "IG_OFFICER"))
                        .with(SecurityMockMvcRequestPostProcessors.csrf()))
                .andExpect(status().isOk())
                .andExpect(content().string(org.hamcrest.Matchers.containsString(
                        "You wrote or edited this draft, so you cannot approve it: another ig-officer must approve it")));
        assertThat(drafts.draft(draft.id()).orElseThrow().state()).isEqualTo(AgreementDrafts.State.DRAFT);
    }

    private long ledger(String agreementId, String kind) {
        return jdbc.queryForObject("select count(*) from audit_entry where agreement_id = ? and kind = ?", Long.class, agreementId, kind);
    }
}
