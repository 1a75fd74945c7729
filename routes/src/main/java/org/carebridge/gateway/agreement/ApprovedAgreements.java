package org.carebridge.gateway.agreement;

import org.carebridge.security.agreement.AgreementLoader;
import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;

/** The agreement texts approved in the console (four eyes), which join config/agreements/ in the agreement set. */
public interface ApprovedAgreements {

    ApprovedAgreements NONE = new ApprovedAgreements() {
        @Override
        public List<AgreementLoader.Text> texts() {
            return List.of();
        }

        @Override
        public String fingerprint() {
            return "none";
        }
    };

    List<AgreementLoader.Text> texts();

    /** Changes whenever an approval does, so that every node reloads. */
    String fingerprint();

    static ApprovedAgreements in(JdbcTemplate jdbc) {
        return new ApprovedAgreements() {
            @Override
            public List<AgreementLoader.Text> texts() {
                return jdbc.query("select file_name, document from agreement_draft where state = 'APPROVED' order by approved_at, draft_id",
                        (rs, i) -> new AgreementLoader.Text(rs.getString(1), rs.getString(2)));
            }

            @Override
            public String fingerprint() {
                return jdbc.queryForObject("select count(*) || ':' || coalesce(max(approved_at)::text, '-') from agreement_draft "
                        + "where state = 'APPROVED'", String.class);
            }
        };
    }
}
