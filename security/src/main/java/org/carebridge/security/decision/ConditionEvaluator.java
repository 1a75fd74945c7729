package org.carebridge.security.decision;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.fhirpath.FhirPathExecutionException;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import org.carebridge.security.agreement.ConditionConstants;
import org.carebridge.security.agreement.RuleCondition;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.exceptions.PathEngineException;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.fhirpath.FHIRPathUtilityClasses;
import org.hl7.fhir.r4.fhirpath.IHostApplicationServices;
import org.hl7.fhir.r4.fhirpath.TypeDetails;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.utilities.fhirpath.FHIRPathConstantEvaluationMode;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Evaluates a rule's parsed condition ({@link RuleCondition}) on a message, with this decision's values: the area
 * variables, the recipient, and the decision's moment for {@code today()} and {@code now()}. The values are those the
 * engine used to write into the condition's text as literals before parsing it again for each decision, and they read
 * the same: an area is a string only when it is a well-formed area code and a recipient only when it is a registry id,
 * otherwise empty, so message content can never become FHIRPath; {@code today()} is the decision's day in England and
 * {@code now()} its moment to the second in UTC, read as FHIRPath reads the literals {@code @2026-11-20} and
 * {@code @2026-11-20T12:00:17+00:00} (to the second even when the seconds are zero).
 *
 * <p>Otherwise the engine behaves as HAPI's own R4 FHIRPath does without an evaluation context: {@code resolve()} finds
 * nothing, {@code conformsTo()} is an error, value sets come from the FHIR context, and no other {@code %name} is known.
 * One FHIRPath engine per thread.
 */
final class ConditionEvaluator {

    /** An ONS/GSS area code, e.g. E10000020 for Norfolk. */
    private static final Pattern AREA_CODE = Pattern.compile("[EWSN]\\d{8}");
    private static final Pattern PARTNER_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final ThreadLocal<FHIRPathEngine> engines;

    ConditionEvaluator(FhirContext fhir) {
        this.engines = ThreadLocal.withInitial(() -> {
            FHIRPathEngine engine = RuleCondition.engine(fhir);
            engine.setHostServices(new DecisionValues());
            return engine;
        });
    }

    /** What a condition reads for one decision. */
    record Values(Base today, Base now, Base senderArea, Base responsibleArea, Base receivingArea, Base recipient) {

        /** The values of a message's decisions, before a recipient is known. */
        static Values of(MessageFacts facts, LocalDate day) {
            return new Values(new DateType(day.toString()).noExtensions(), moment(facts.at()), area(facts.sender().area()),
                    area(facts.responsibleArea()), area(facts.receivingArea()), null);
        }

        Values forRecipient(String partnerId) {
            Base id = partnerId != null && PARTNER_ID.matcher(partnerId).matches() ? new StringType(partnerId).noExtensions() : null;
            return new Values(today, now, senderArea, responsibleArea, receivingArea, id);
        }

        private static Base area(String area) {
            return area != null && AREA_CODE.matcher(area).matches() ? new StringType(area).noExtensions() : null;
        }

        /**
         * The moment to the second in UTC, as the literal {@code @2026-11-20T12:00:00+00:00} reads in FHIRPath. Always
         * to the second: at zero seconds the ISO form leaves the seconds out, and a literal precise only to the minute
         * compares as unknown with a time in that minute (a risk flag ending then would deny the police its copy).
         */
        static Base moment(Instant at) {
            DateTimeType value = new DateTimeType(java.util.Date.from(at.truncatedTo(ChronoUnit.SECONDS)), TemporalPrecisionEnum.SECOND,
                    java.util.TimeZone.getTimeZone("UTC"));
            return value.noExtensions();
        }

        List<Base> named(String name) throws PathEngineException {
            Base value = switch (name) {
                case RuleCondition.TODAY -> today;
                case RuleCondition.NOW -> now;
                case ConditionConstants.SENDER_AREA -> senderArea;
                case ConditionConstants.RESPONSIBLE_AREA -> responsibleArea;
                case ConditionConstants.RECEIVING_AREA -> receivingArea;
                case ConditionConstants.RECIPIENT -> recipient;
                default -> throw new PathEngineException("Unknown constant %" + name);
            };
            List<Base> values = new ArrayList<>(1);
            if (value != null) {
                values.add(value);
            }
            return values;
        }
    }

    /** True or false as the condition's first result is; an exception when it cannot be evaluated or is not Boolean. */
    boolean holds(RuleCondition condition, Base message, Values values) {
        List<Base> result;
        try {
            result = engines.get().evaluate(values, message, condition.expression());
        } catch (FHIRException e) {
            throw new FhirPathExecutionException(e.getMessage(), e);
        }
        for (Base each : result) {
            if (!(each instanceof BooleanType)) {
                throw new FhirPathExecutionException("a condition gave " + each.getClass().getSimpleName() + ", not a Boolean");
            }
        }
        return !result.isEmpty() && ((BooleanType) result.get(0)).booleanValue();
    }

    /** The decision's values by name; everything else as HAPI's R4 FHIRPath has it with no evaluation context. */
    private static final class DecisionValues implements IHostApplicationServices {

        @Override
        public List<Base> resolveConstant(FHIRPathEngine engine, Object appContext, String name, FHIRPathConstantEvaluationMode mode)
                throws PathEngineException {
            if (mode != FHIRPathConstantEvaluationMode.EXPLICIT) {
                return new ArrayList<>(); // a plain name is never a constant here, as without a host
            }
            if (!(appContext instanceof Values values)) {
                throw new PathEngineException("Unknown constant %" + name);
            }
            return values.named(name);
        }

        @Override
        public TypeDetails resolveConstantType(FHIRPathEngine engine, Object appContext, String name, FHIRPathConstantEvaluationMode mode)
                throws PathEngineException {
            throw new PathEngineException("conditions are not type-checked");
        }

        @Override
        public boolean log(String argument, List<Base> focus) {
            return false;
        }

        @Override
        public FHIRPathUtilityClasses.FunctionDetails resolveFunction(FHIRPathEngine engine, String functionName) {
            return null;
        }

        @Override
        public TypeDetails checkFunction(FHIRPathEngine engine, Object appContext, String functionName, TypeDetails focus,
                                         List<TypeDetails> parameters) throws PathEngineException {
            throw new PathEngineException("Unknown function " + functionName);
        }

        @Override
        public List<Base> executeFunction(FHIRPathEngine engine, Object appContext, List<Base> focus, String functionName,
                                          List<List<Base>> parameters) {
            throw new FHIRException("Unknown function " + functionName);
        }

        @Override
        public Base resolveReference(FHIRPathEngine engine, Object appContext, String url, Base refContext) {
            return null;
        }

        @Override
        public boolean conformsToProfile(FHIRPathEngine engine, Object appContext, Base item, String url) {
            throw new FHIRException("conformsTo() needs host services, which a condition does not have");
        }

        @Override
        public ValueSet resolveValueSet(FHIRPathEngine engine, Object appContext, String url) {
            return engine.getWorker().fetchResource(ValueSet.class, url);
        }

        @Override
        public boolean paramIsType(String name, int index) {
            return false;
        }
    }
}
