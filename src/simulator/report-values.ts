import { formatLocal, type LocalSeconds } from '../time/local-time.js';
import type { Agent } from './agents.js';
import { pick, randomInt, type Random } from './random.js';

/*
 * Plausible values for any Reports Manager field, chosen by the field's name. Every value is a
 * string, as the live API sends them. Free-text fields are sometimes "", " " or "-", as in the
 * documentation's examples.
 */

/** A skill (queue) of the operation. */
export interface Skill {
  id: string;
  name: string;
}

/** An activity (typification) code of one of the two code groups. */
export interface ActivityCode {
  code: string;
  description: string;
}

export const SKILLS: readonly Skill[] = [
  { id: '101', name: 'Ventas' },
  { id: '102', name: 'Servicio al cliente' },
  { id: '103', name: 'Soporte técnico' },
  { id: '104', name: 'Facturación y cartera' },
  { id: '105', name: 'Retención' },
  { id: '106', name: 'Cobranza preventiva' },
];

export const CAMPAIGNS: readonly string[] = ['201', '202', '203', '204'];

/** The two groups of activity codes (`cod_act=cod_act1` / `cod_act2`). */
export const ACTIVITY_CODES: Readonly<Record<'cod_act1' | 'cod_act2', readonly ActivityCode[]>> = {
  cod_act1: [
    { code: '01', description: 'Venta efectiva' },
    { code: '02', description: 'Información general' },
    { code: '03', description: 'Reclamación' },
    { code: '04', description: 'Volver a llamar' },
    { code: '05', description: 'No contesta' },
  ],
  cod_act2: [
    { code: '21', description: 'Pago comprometido' },
    { code: '22', description: 'Cliente inconforme' },
    { code: '23', description: 'Solicitud de baja' },
  ],
};

/** How an aggregate combines a numeric field over time. */
export type MetricKind =
  /** a whole number, summed */
  | 'count'
  /** "HH:MM:SS", summed */
  | 'duration'
  /** an average duration "HH:MM:SS": summed seconds over a summed count */
  | 'average'
  /** a percentage "NN.NN": a summed part over a summed whole */
  | 'ratio';

const AVERAGE = /^(aht|aht_\w+|asa|ata|att|tmo)$/i;
const RATIO =
  /(percent|occupancy|service_level_\d|^abandon$|accuracy|precision|^average$|^silence$|slow_to_greet|^feeling$)/;
const DURATION =
  /(_time$|^time$|^time_\w+|^ready$|^talk$|^not_ready_acw$|^auxiliary_times$|^ring$|duration$|^acw$|^close_time$|^closing_time$)/;
const COUNT =
  /(calls|^inbound$|^outbound$|^internal$|count|records|^interactions?$|surveys|evaluations|^hits$|^rpc$|needed|total|cantidad|amount|chars|characters|recognitions|^no_answer$|answer_machine|^busy$|congestion|^failed$|chatbot|_agents$|^treatment$|say_|recall_|_up$|^yes$|^no$|seg|minutes|^cost$|^units$|^credits$|^attempts?$)/;

/** The metric kind of a field by its name, or undefined for a label (name, id, code, text). */
export function metricKind(field: string): MetricKind | undefined {
  if (AVERAGE.test(field)) return 'average';
  if (RATIO.test(field)) return 'ratio';
  if (DURATION.test(field)) return 'duration';
  if (COUNT.test(field)) return 'count';
  return undefined;
}

/** Seconds as "HH:MM:SS" (hours may exceed 23). */
export function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(Math.floor(whole / 3600))}:${pad(Math.floor(whole / 60) % 60)}:${pad(whole % 60)}`;
}

/** Whose row it is: the people, skill, campaign and code a generated row is about. */
export interface RowContext {
  agent: Agent;
  /** Another agent, for fields naming a second person (transfers, conferences). */
  otherAgent: Agent;
  skill: Skill;
  campaign: string;
  code: ActivityCode;
  /** The row's time, for timestamp fields. */
  second: LocalSeconds;
}

const CUSTOMERS = [
  'Álvaro Peña',
  'Sofía Castaño',
  'Nicolás Ibáñez',
  'María José Núñez',
  'Andrés Zuluaga',
  'Lucía Ospina',
  'Óscar Londoño',
  'Ángela Giraldo',
];
const TEXTS = [
  'Cliente solicita información sobre su factura',
  'Se confirma la dirección de envío',
  '¿Puedo cambiar el plan de mi línea?',
  'Gracias por comunicarse con nosotros',
  'Llamada transferida al área de cartera',
  'El cliente pide que lo llamen mañana después de las 3',
  'Queja por demora en la instalación; se escala a soporte técnico',
];
const ENUMS: Record<string, readonly string[]> = {
  channel: ['whatsapp', 'webchat', 'facebook', 'instagram', 'email', 'voice'],
  type_interaction: ['inbound', 'outbound', 'internal'],
  result: ['ANSWERED', 'NO ANSWER', 'BUSY', 'FAILED', 'ABANDON'],
  status: ['delivered', 'read', 'sent', 'failed'],
  agent_status: ['READY', 'NOT READY', 'TALKING', 'ACW', 'LOGOUT'],
  aux_state: ['Almuerzo', 'Capacitación', 'Baño', 'Pausa activa'],
  hang_up: ['agent', 'customer'],
  type_action: ['hold', 'mute'],
  language: ['es-CO', 'es-MX', 'en-US'],
  type_nlp: ['intent', 'entities', 'sentiment'],
  type_call: ['inbound', 'outbound', 'preview'],
  go_to_agent: ['yes', 'no'],
  attribute: ['Saludo', 'Empatía', 'Validación de datos', 'Cierre'],
  category: ['Protocolo', 'Negocio', 'Cumplimiento'],
  survey: ['Calidad voz', 'Calidad chat'],
  type_error: ['critical', 'non critical'],
  machinecode: ['NOANSWER', 'BUSY', 'CONGESTION', 'ANSWERMACHINE'],
  id_type: ['CC', 'CE', 'NIT', 'PA'],
  INTERVAL: ['0-5 seg', '6-20 seg', '21-60 seg', '61-120 seg', '> 121 seg'],
};
const ENUM_ALIASES: Record<string, string> = {
  chanel: 'channel',
  nlp_channel: 'channel',
  media_type: 'channel',
  source_type: 'channel',
  skill_result: 'result',
  call_result: 'result',
  last_sender: 'hang_up',
  last_participant_who_spoke: 'hang_up',
};
const QUIRKS = ['', ' ', '-'];
/** End-of-something timestamps come a little after the row's time. */
const LATER_TIMESTAMPS = /^(date_end|end_date|close_date|last_update|date_last_outbound_call)$/;
const TIMESTAMPS = /^(date|date_ini|date_creation|start_date|date_inbound_call|end_date_rp|date_preview)$/;

/** A DNI (national id) that belongs to an agent: the same agent, the same DNI. */
export function dniOf(agent: Agent): string {
  return String(10_000_000 + ((Number(agent.id) * 7_919) % 89_999_999));
}

function digits(random: Random, count: number): string {
  let text = '';
  for (let index = 0; index < count; index++) text += String(randomInt(random, 10));
  return text;
}

/** Makes one field's value for a row. */
type Generator = (random: Random, row: RowContext) => string;

function personGenerator(field: string): Generator | undefined {
  const person = /^(receiver|destiny)_/.test(field)
    ? (row: RowContext) => row.otherAgent
    : (row: RowContext) => row.agent;
  if (/(^|_)(agent_id|id_agent)$/.test(field)) return (_, row) => person(row).id;
  if (/(^|_)(agent_name|name_agent)$/.test(field)) return (_, row) => person(row).name;
  if (/agent_dni$/.test(field)) return (_, row) => dniOf(person(row));
  return undefined;
}

/** A value of a metric field for one event row (aggregates compute theirs, see report-data.ts). */
function metricGenerator(kind: MetricKind): Generator {
  switch (kind) {
    case 'count':
      return (random) => String(randomInt(random, 40));
    case 'duration':
    case 'average':
      return (random) => formatDuration(5 + randomInt(random, 900));
    case 'ratio':
      return (random) => (randomInt(random, 10_001) / 100).toFixed(2);
  }
}

/** Labels: people, skills, codes, ids, phones, texts and enumerations, by field name. */
function labelGenerator(field: string): Generator {
  const personal = personGenerator(field);
  if (personal) return personal;
  if (field === 'skill_id') return (_, row) => row.skill.id;
  if (field === 'skill_name') return (_, row) => row.skill.name;
  if (field === 'campaign_id' || field === 'campaing_id') return (_, row) => row.campaign;
  if (/^(cod_act|cod_act_2|last_code_act)$/.test(field)) return (_, row) => row.code.code;
  if (/^(description_cod_act|description_cod_act_2|cod_description)$/.test(field))
    return (_, row) => row.code.description;
  if (/(^|_)(telephone|ani|dnis|phone|dial_phone|dn_transfer)$/.test(field) || field === 'destiny')
    return (random) => `573${digits(random, 9)}`;
  if (/(^|_)(email|from|to)$/.test(field))
    return (random) => `${pick(random, ['ana', 'jose', 'nino', 'maria'])}.${digits(random, 3)}@correo.com.co`;
  if (/(customer_name|customer_last_name|from_name|to_name|quality_analyst|greeting_agent_name)/.test(field))
    return (random) => pick(random, CUSTOMERS);
  const enumName = Object.hasOwn(ENUM_ALIASES, field) ? (ENUM_ALIASES[field] as string) : field;
  if (Object.hasOwn(ENUMS, enumName)) {
    const values = ENUMS[enumName] as readonly string[];
    return (random) => pick(random, values);
  }
  if (/(^|_)id$|^id_|_id_|^session_id$|nit$|^rp_id$/.test(field))
    return (random) => digits(random, 1) + digits(random, 7);
  if (/^q\d\d$/.test(field)) return (random) => String(1 + randomInt(random, 5));
  return (random) => pick(random, TEXTS);
}

function compile(field: string): Generator {
  if (TIMESTAMPS.test(field)) return (_, row) => formatLocal(row.second);
  if (LATER_TIMESTAMPS.test(field))
    return (random, row) => formatLocal(row.second + 30 + randomInt(random, 900));
  // A bucket's hour and day; first login and last logout of an agent's day, as times of day.
  if (field === 'hour') return (_, row) => formatLocal(row.second).slice(11, 16);
  if (field === 'day') return (_, row) => formatLocal(row.second).slice(0, 10);
  if (field === 'login')
    return (random, row) => formatLocal(row.second + 6 * 3600 + randomInt(random, 3600)).slice(11);
  if (field === 'logout')
    return (random, row) => formatLocal(row.second + 15 * 3600 + randomInt(random, 3600)).slice(11);
  const kind = metricKind(field);
  if (kind !== undefined) return metricGenerator(kind);
  const label = labelGenerator(field);
  if (/(_id$|^id_|skill_name|agent_name|cod_act|channel|chanel)/.test(field)) return label;
  return (random, row) => {
    const value = label(random, row);
    return random() < 0.04 ? pick(random, QUIRKS) : value;
  };
}

const generators = new Map<string, Generator>();

/**
 * A plausible string for `field` of a row about `row`: its timestamp, people and codes from the
 * context, numbers for metric names, texts otherwise; one free-text value in 25 is "", " " or "-".
 * Consumes draws from `random`; the same draws give the same value.
 */
export function fieldValue(field: string, random: Random, row: RowContext): string {
  let generator = generators.get(field);
  if (!generator) {
    generator = compile(field);
    generators.set(field, generator);
  }
  return generator(random, row);
}
