package org.carebridge.security.agreement;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.fhirpath.ExpressionNode;
import org.hl7.fhir.r4.fhirpath.FHIRPathEngine;
import org.hl7.fhir.r4.fhirpath.FHIRPathUtilityClasses.FHIRConstant;
import org.hl7.fhir.r4.hapi.ctx.HapiWorkerContext;

/**
 * A rule's condition, parsed once when its agreement is read, never again per decision. What changes from one decision
 * to the next is handed to each evaluation instead of being written into the text: the {@link ConditionConstants}
 * variables, and the decision's moment for {@code today()} and {@code now()}, whose calls are replaced in the parsed
 * expression by constants no condition text can name ({@link #TODAY}, {@link #NOW}).
 *
 * @param text the condition as the agreement gives it
 * @param expression the parsed condition; shared by every decision and thread, so never to be changed
 */
public record RuleCondition(String text, ExpressionNode expression) {

    /** The constant {@code today()} reads: with its brackets, a name the FHIRPath lexer never makes of a {@code %name}. */
    public static final String TODAY = "today()";
    /** The constant {@code now()} reads. */
    public static final String NOW = "now()";

    /** A FHIRPath engine as HAPI's {@code FhirContext.newFhirPath()} makes one for R4: lenient {@code as}, in R4's way. */
    public static FHIRPathEngine engine(FhirContext fhir) {
        FHIRPathEngine engine = new FHIRPathEngine(new HapiWorkerContext(fhir, fhir.getValidationSupport()));
        engine.setDoNotEnforceAsCaseSensitive(true);
        engine.setDoNotEnforceAsSingletonRule(true);
        return engine;
    }

    /** The condition parsed by {@code engine}; a {@link org.hl7.fhir.exceptions.FHIRException} when it is not FHIRPath. */
    public static RuleCondition parse(FHIRPathEngine engine, String text) {
        ExpressionNode expression = engine.parse(text);
        readTheMomentAsAConstant(expression);
        return new RuleCondition(text, expression);
    }

    private static void readTheMomentAsAConstant(ExpressionNode node) {
        if (node == null) {
            return;
        }
        if (node.getKind() == ExpressionNode.Kind.Function
                && (node.getFunction() == ExpressionNode.Function.Today || node.getFunction() == ExpressionNode.Function.Now)
                && (node.getParameters() == null || node.getParameters().isEmpty())) {
            String name = node.getFunction() == ExpressionNode.Function.Today ? TODAY : NOW;
            node.setKind(ExpressionNode.Kind.Constant);
            node.setFunction(null);
            node.setConstant(new FHIRConstant("%" + name));
        }
        if (node.getParameters() != null) {
            node.getParameters().forEach(RuleCondition::readTheMomentAsAConstant);
        }
        readTheMomentAsAConstant(node.getGroup());
        readTheMomentAsAConstant(node.getInner());
        readTheMomentAsAConstant(node.getOpNext());
    }
}
