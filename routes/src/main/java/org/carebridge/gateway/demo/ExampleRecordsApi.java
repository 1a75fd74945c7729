package org.carebridge.gateway.demo;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.carebridge.gateway.admin.Actor;
import org.carebridge.gateway.admin.Refused;
import org.carebridge.gateway.fhir.IntakeRejected;
import org.carebridge.gateway.ig.IgRole;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.UUID;

/** Dev-only, as the console's "Send an example record": only where the demo partners run (the embedded default). */
@RestController
@RequestMapping(path = "/admin/api/demo", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "CareBridge admin API")
@ConditionalOnProperty(name = "carebridge.demo-partners.enabled", havingValue = "true")
public class ExampleRecordsApi {

    private final ExampleRecords examples;

    public ExampleRecordsApi(ExampleRecords examples) {
        this.examples = examples;
    }

    @GetMapping("/examples")
    @Operation(summary = "Dev-only: the example records in config/examples, each with its event and sender; admin only")
    public List<ExampleRecords.Example> examples() {
        return examples.examples();
    }

    public record SendRequest(String example) {
    }

    @PostMapping(path = "/examples/send", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Dev-only: send one example as its own sender, stamped for now, through the same intake as a partner's "
            + "record (the agreements decide its recipients); admin only")
    public ResponseEntity<ExampleRecords.Sent> send(@RequestBody SendRequest request, Authentication user) {
        var sent = examples.send(request.example() == null ? "" : request.example(), new Actor(user.getName(), IgRole.ADMIN.configName()));
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(sent);
    }

    @GetMapping("/records/{trackingId}")
    @Operation(summary = "Dev-only: each copy of a record, with its state, attempts and last error; admin only")
    public List<ExampleRecords.Copy> copies(@PathVariable UUID trackingId) {
        if (!examples.exists(trackingId)) {
            throw new org.springframework.web.server.ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        return examples.copies(trackingId);
    }

    @ExceptionHandler(Refused.class)
    ResponseEntity<ProblemDetail> refused(Refused refused) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, refused.getMessage());
        problem.setTitle("Nothing was sent");
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    @ExceptionHandler(IntakeRejected.class)
    ResponseEntity<ProblemDetail> rejected(IntakeRejected rejected) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(rejected.status(), rejected.getMessage());
        problem.setTitle("Intake refused the example");
        return ResponseEntity.status(rejected.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
