package org.carebridge.security.agreement;

/**
 * One permission within an agreement: for this event, from this sender to this recipient, when the condition holds,
 * the elements of this field profile, under this consent requirement.
 *
 * @param condition FHIRPath over the message Bundle, or null for always
 * @param compiledCondition the condition parsed once, when the agreement was read; null for always
 * @param conditionText the condition in words, for explanations
 * @param purpose the purpose consent must cover (a sharing-purpose code)
 */
public record SharingRule(String id, String event, PartySelector sender, PartySelector recipient, String condition,
                          RuleCondition compiledCondition, String conditionText, String profile,
                          ConsentRequirement consent, String purpose) {
}
