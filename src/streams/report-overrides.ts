import type { BucketUnit, ReportKind, ReportParameter } from './report-definition.js';

/** What the facts file does not say about a report, written by hand. */
export interface ReportOverride {
  /** English, descriptive, snake_case stream name. */
  stream: string;
  /** What one row is, in English (the schema description follows the report id with it). */
  about: string;
  /** Aggregates: the fields that identify a row besides report_date and the bucket. */
  group?: string[];
  /** Time-bucketed reports: the bucket fields and their width. */
  bucket?: { fields: string[]; unit: BucketUnit };
  /** A kind other than the suggested one, with the reason. */
  kind?: { kind: ReportKind; reason: string };
  /** Documented field to the key the API's example sends instead. */
  aliases?: Record<string, string>;
  /** Event reports without a top-level timestamp: the nested array and its item field holding one. */
  timestamp?: { field: string; nestedIn: string };
  /** A parameter other than the facts' extra_params suggest, with the reason. */
  parameter?: { parameter: ReportParameter; reason: string };
  /** Not a stream: why. */
  excluded?: string;
  /** Something a user should know about the report's rows (shown in docs/streams.md). */
  remark?: string;
}

const AGENT = ['agent_id'];

/** One entry per report of the facts file, in its order. */
export const REPORT_OVERRIDES: Readonly<Record<string, ReportOverride>> = {
  agent_1: { stream: 'agent_time_by_state', about: 'time per state and calls per agent', group: AGENT },
  agent_2: { stream: 'agent_state_events_by_agent', about: 'state changes and interactions of one agent' },
  agent_3: {
    stream: 'agent_auxiliary_time',
    about: 'auxiliary (not ready) time per agent and auxiliary state',
    group: ['agent_id', 'aux_state'],
  },
  agent_4: {
    stream: 'agent_time_by_state_and_campaign',
    about: 'time per state and calls per agent and campaign',
    group: ['agent_id', 'campaign_id'],
  },
  agent_5: {
    stream: 'agent_states_by_hour',
    about: 'per agent, time per state for each hour (nested in status_x_hour)',
    group: AGENT,
    kind: {
      kind: 'range_aggregate',
      reason:
        'The top-level row is one per agent over the range; the hours are items of the nested status_x_hour array, so a row has no bucket of its own.',
    },
  },
  agent_6: {
    stream: 'operation_states_by_hour',
    about: 'time per state and calls of the whole operation per hour',
    bucket: { fields: ['hour'], unit: 'hour' },
  },
  agent_7: {
    stream: 'agent_login_time_by_day',
    about: 'first login, last logout and logged-in time per agent and day',
    group: AGENT,
    bucket: { fields: ['date'], unit: 'day' },
  },
  agent_8: {
    stream: 'agent_states_hourly',
    about: 'time per state and calls per agent, date and hour',
    group: AGENT,
    bucket: { fields: ['date', 'hour'], unit: 'hour' },
  },
  agent_8_1: {
    stream: 'agent_states_half_hourly',
    about: 'time per state and calls per agent, date and half hour',
    group: AGENT,
    bucket: { fields: ['date', 'hour'], unit: 'half_hour' },
  },
  agent_9: {
    stream: 'agent_hold_and_mute_time',
    about: 'hold and mute time per agent',
    group: ['agent_name'],
  },
  agent_10: { stream: 'hold_and_mute_events', about: 'each hold or mute of an interaction' },
  agent_11: {
    stream: 'agent_time_by_state_per_skill',
    about: 'per skill, time per state of each agent (nested in agents)',
    group: ['skill_name'],
  },
  agent_12: {
    stream: 'agent_transfers_and_conferences',
    about: 'transferred and conference calls per agent',
    group: AGENT,
  },
  agent_13: { stream: 'transfer_and_conference_events', about: 'each transfer or conference of a call' },
  agent_13_1: {
    stream: 'transfer_and_conference_details',
    about: 'each transfer or conference with its origin and destination agents',
  },
  agent_14: { stream: 'agent_state_events', about: 'state changes and interactions of every agent' },
  agent_15: { stream: 'preview_time_events', about: 'each preview of a call by an agent, with its times' },
  agent_16: { stream: 'preview_time_by_agent', about: 'preview time per agent', group: ['id_agent'] },
  skill_1: {
    stream: 'skill_service_level',
    about: 'calls and service level of a skill',
    group: ['skill_id'],
  },
  skill_2: { stream: 'abandoned_calls', about: 'each abandoned call of a skill' },
  skill_3: {
    stream: 'skill_service_level_by_day',
    about: 'calls and service level of a skill per day',
    bucket: { fields: ['date'], unit: 'day' },
  },
  skill_4: {
    stream: 'skill_service_level_by_hour',
    about: 'calls and service level of a skill per hour',
    bucket: { fields: ['hour'], unit: 'hour' },
  },
  skill_4_1: {
    stream: 'skill_service_level_by_half_hour',
    about: 'calls and service level of a skill per half hour',
    bucket: { fields: ['hour'], unit: 'half_hour' },
  },
  skill_4_2: {
    stream: 'skill_service_level_by_ten_minutes',
    about: 'calls and service level of a skill per 10 minutes',
    bucket: { fields: ['hour'], unit: 'ten_minutes' },
  },
  skill_5: {
    stream: 'skill_workforce_by_hour',
    about: 'inbound calls, handling time and agents needed for a skill per hour',
    bucket: { fields: ['hour'], unit: 'hour' },
  },
  skill_6: {
    stream: 'skill_service_level_by_dnis',
    about: 'calls and service level of a skill per dialled number (DNIS)',
    group: ['dnis'],
  },
  skill_7: {
    stream: 'skill_service_level_hourly',
    about: 'calls and service level per skill, date and hour',
    group: ['skill_id'],
    bucket: { fields: ['date', 'hour'], unit: 'hour' },
  },
  skill_8: {
    stream: 'skill_answered_calls_by_wait',
    about: 'answered calls of a skill per waiting-time interval',
    group: ['skill_id'],
  },
  skill_9: {
    stream: 'skill_abandoned_calls_by_wait',
    about: 'abandoned calls of a skill per waiting-time interval',
    group: ['skill_id'],
    remark:
      'The documentation lists answer_* interval fields (copied from skill_8); the example sends abandon_* ones. Both are declared.',
  },
  skill_10: { stream: 'answered_calls', about: 'each answered call of a skill' },
  skill_11: {
    stream: 'skill_service_level_by_interaction_type',
    about: 'calls and service level of a skill per interaction type',
    group: ['type_interaction'],
  },
  cdr_1: { stream: 'call_details', about: 'each call (call detail record)' },
  cdr_2: { stream: 'agent_phone_usage', about: 'calls and phone cost per agent', group: ['agent_name'] },
  cdr_3: { stream: 'sms_details', about: 'each SMS sent' },
  cdr_4: {
    stream: 'call_duration_ranges',
    about: 'calls, minutes and cost per call-duration interval',
    group: ['INTERVAL'],
    remark:
      'The documentation lists one row per INTERVAL; the example sends one row with an object per interval (0_5_seg ... greater_than_121). Both shapes are declared; the objects are kept as one-item arrays.',
  },
  cdr_5: { stream: 'unconnected_calls', about: 'each call that did not connect' },
  cdr_6: {
    stream: 'unconnected_calls_by_result',
    about: 'unconnected calls per result',
    group: ['result'],
  },
  cdr_7: { stream: 'nlp_events', about: 'each NLP request and its characters' },
  cdr_8: {
    stream: 'nlp_usage_by_type',
    about: 'NLP requests and characters per NLP type',
    group: ['type_nlp'],
  },
  cdr_9: { stream: 'email_details', about: 'each email' },
  cdr_10: { stream: 'cobrowsing_sessions', about: 'each co-browsing session' },
  cdr_11: {
    stream: 'law_2300_released_customers',
    about: 'each customer released from contact protection (Colombian law 2300)',
    aliases: { agent_name: 'name_agent' },
  },
  act_1: {
    stream: 'activity_codes_by_agent',
    about: 'interactions per agent and activity code',
    group: ['agent_dni', 'agent_name', 'cod_act'],
  },
  act_2: {
    stream: 'activity_codes_by_skill',
    about: 'interactions per skill and activity code',
    group: ['skill_id', 'cod_act'],
  },
  act_3: { stream: 'activity_code_details', about: 'each interaction with its activity codes' },
  act_4: {
    stream: 'uncoded_calls_by_agent',
    about: 'calls left without an activity code per agent',
    group: AGENT,
  },
  act_5: { stream: 'activity_codes', about: 'interactions per activity code', group: ['cod_act'] },
  diagram_1: {
    stream: 'ivr_call_details',
    about: 'each IVR call of one customer',
    excluded:
      'A per-customer lookup: it needs a customer_id and returns that one customer, so a sync would need the list of every customer first; the IVR data of all customers comes through diagram_11 and diagram_13.',
  },
  diagram_1_1: {
    stream: 'ivr_calls_by_day',
    about: 'IVR calls and minutes per day',
    bucket: { fields: ['day'], unit: 'day' },
  },
  diagram_1_2: {
    stream: 'ivr_calls_by_date',
    about: 'IVR calls and minutes per date',
    bucket: { fields: ['date'], unit: 'day' },
    aliases: { date: 'day' },
  },
  diagram_1_3: {
    stream: 'ivr_calls_by_menu_option',
    about: 'IVR calls and time per routing point and menu option',
    group: ['rp_id', 'cod_opc_menu'],
  },
  diagram_2: {
    stream: 'smart_wait_by_skill',
    about: 'smart-wait (call back) outcomes per skill',
    group: ['skill_id'],
  },
  diagram_3: { stream: 'smart_wait_details', about: 'each smart-wait (call back) request' },
  diagram_4: { stream: 'smart_survey_details', about: 'each smart survey answered' },
  diagram_5: { stream: 'smart_survey_by_agent', about: 'smart-survey results per agent', group: AGENT },
  diagram_6: {
    stream: 'smart_survey_by_skill',
    about: 'smart-survey results per skill',
    group: ['skill_id'],
  },
  diagram_7: { stream: 'asr_events', about: 'each speech recognition (ASR) request' },
  diagram_8: { stream: 'tts_events', about: 'each text-to-speech (TTS) request' },
  diagram_9: { stream: 'routing_and_chatbot_events', about: 'each interaction routed by a flow or chatbot' },
  diagram_10: { stream: 'tts_texts_by_usage', about: 'text-to-speech uses per text', group: ['tts_text'] },
  diagram_11: {
    stream: 'ivr_to_agent_calls',
    about: 'each call through the IVR, with its skill and agent legs',
  },
  diagram_12: { stream: 'sentiment_analysis_events', about: 'each sentiment analysis request' },
  diagram_13: { stream: 'menu_option_events', about: 'each menu option chosen in a flow' },
  diagram_14: { stream: 'menu_options_by_code', about: 'menu options chosen per code', group: ['cod_act'] },
  diagram_15: { stream: 'voice_conversations', about: 'each voice conversation (IVR, ASR, TTS, NLP)' },
  quality_1: {
    stream: 'quality_by_agent',
    about: 'quality evaluations and accuracy per agent',
    group: AGENT,
  },
  quality_2: { stream: 'quality_evaluations', about: 'each quality evaluation of an interaction' },
  quality_3: { stream: 'quality_evaluation_attributes', about: 'each attribute of each quality evaluation' },
  quality_4: {
    stream: 'quality_by_attribute',
    about: 'quality results per survey, category and attribute',
    group: ['survey', 'category', 'attribute'],
  },
  quality_5: {
    stream: 'quality_by_analyst',
    about: 'quality evaluations and accuracy per quality analyst',
    group: ['quality_analyst'],
  },
  campaign_1: {
    stream: 'campaign_final_results',
    about: 'records of a campaign per final result',
    group: ['result'],
  },
  campaign_2: {
    stream: 'campaign_results_by_code',
    about: 'records of a campaign per activity code',
    group: ['cod_act'],
  },
  campaign_3: {
    stream: 'campaign_phone_results',
    about: 'each record of a phone-to-phone campaign with its result',
  },
  campaign_4: {
    stream: 'campaign_attempt_results',
    about: 'dialling attempts of a campaign per result',
    group: ['result'],
  },
  campaign_5: { stream: 'campaign_call_details', about: 'each call of a campaign with its customer record' },
  campaign_6: {
    stream: 'campaign_amd_totals',
    about: 'answering-machine detections per campaign',
    group: ['campaign_id'],
  },
  campaign_7: { stream: 'campaign_amd_details', about: 'each answering-machine detection of a campaign' },
  campaign_8: {
    stream: 'campaign_machine_codes_by_phone',
    about: 'dialler machine results per telephone',
    group: ['telephone'],
  },
  campaign_9: {
    stream: 'campaign_whatsapp_records',
    about: 'each record of a WhatsApp campaign with its delivery status',
    remark:
      'Kept as an event report on `date`, but a row carries a status and last_update that can change: a later read of the same day can bring the same record with a new status (a new id).',
  },
  campaign_10: {
    stream: 'campaign_turbo_dial_by_machine_code',
    about: 'turbo-dial attempts per machine code',
    group: ['machinecode'],
  },
  chat_1: {
    stream: 'chats',
    about: 'each chat, with its customer, agent, code and times',
    aliases: { agent_anwers: 'agent_anwers ' },
    remark: 'Wolkvox selects chat_1 rows by closing date; `date` can lie outside the range asked.',
  },
  chat_2: {
    stream: 'chat_conversations',
    about: 'each conversation with its messages (nested in conversation)',
    timestamp: { field: 'date', nestedIn: 'conversation' },
    remark:
      'The example has no top-level date: the row time is then the earliest message date in `conversation`, copied into `date`.',
  },
  chat_3: {
    stream: 'closed_interactions_by_channel',
    about: 'closed interactions and closing time per channel',
    group: ['channel'],
  },
  chat_4: {
    stream: 'interaction_details',
    about: 'each email or social-media case with its answer and status',
    parameter: {
      parameter: 'none',
      reason:
        'attach_array / include_attachments only ask for attachments to be included; the report answers without them.',
    },
  },
  chat_5: {
    stream: 'closed_interactions_by_agent',
    about: 'closed interactions and closing time per agent',
    group: ['agent_name'],
  },
  chat_6: {
    stream: 'closed_interactions_by_day',
    about: 'closed interactions and closing time per day',
    bucket: { fields: ['date'], unit: 'day' },
  },
  chat_7: {
    stream: 'closed_interactions_by_agent_and_code',
    about: 'closed interactions per agent and activity code',
    group: ['agent_name', 'cod_act'],
  },
  chat_8: { stream: 'chatbot_to_agent_chats', about: 'each chat a chatbot passed to an agent' },
  chat_9: { stream: 'transfers', about: 'each transfer of an interaction to another agent or a skill' },
  chat_10: { stream: 'whatsapp_billing', about: 'each billed official WhatsApp conversation' },
  chat_11: { stream: 'chat_transfers', about: 'each transfer of a chat, with the agents\u2019 DNI' },
  chat_12: { stream: 'sent_interactions', about: 'each interaction an agent sent' },
  chat_13: {
    stream: 'closed_chats_by_channel',
    about: 'closed chats per channel',
    group: ['channel'],
    aliases: { channel: 'chanel' },
  },
  chat_14: {
    stream: 'click_to_whatsapp_details',
    about: 'each click-to-WhatsApp contact with its ad or post',
  },
  chat_15: {
    stream: 'click_to_whatsapp_totals',
    about: 'click-to-WhatsApp contacts by source, one row',
    group: [],
  },
  chat_16: {
    stream: 'chat_agent_productivity',
    about: 'chats, time and transfer share per agent',
    group: AGENT,
  },
  speech_1: {
    stream: 'speech_analytics',
    about: 'each analysed call with transcript, silence and sentiment',
  },
  speech_2: { stream: 'silence_by_agent', about: 'share of silence per agent', group: AGENT },
  speech_3: { stream: 'slow_greetings_by_agent', about: 'share of slow greetings per agent', group: AGENT },
  speech_4: { stream: 'sentiment_by_agent', about: 'average sentiment per agent', group: AGENT },
  speech_5: { stream: 'speech_on_demand', about: 'each on-demand speech analysis' },
  wizard_1: { stream: 'copilot_questions', about: 'each question asked to wvx Copilot and its answer' },
  wizard_2: { stream: 'copilot_positive_ratings', about: 'each Copilot answer rated positive' },
  wizard_3: { stream: 'copilot_negative_ratings', about: 'each Copilot answer rated negative' },
};
