import { pick, randomInt, type Random } from './random.js';

/** One person who can transfer or receive an interaction. */
export interface Agent {
  id: string;
  name: string;
}

// Colombian-style names: accents, ñ and compound first names, as agents type them in Wolkvox.
const FIRST_NAMES = [
  'Andrés',
  'Ángela',
  'Camila',
  'Daniela',
  'Iván',
  'Jesús',
  'Juan Sebastián',
  'Julián',
  'Lucía',
  'Martín',
  'Mónica',
  'Nicolás',
  'Óscar',
  'Ramón',
  'Sofía',
  'Tomás',
  'Valentina',
  'Inés',
  'Simón',
  'Luz Ángela',
];
const SURNAMES = [
  'Rodríguez',
  'Hernández',
  'Martínez',
  'López',
  'Pérez',
  'Sánchez',
  'Ramírez',
  'Díaz',
  'Álvarez',
  'Núñez',
  'Peña',
  'Ibáñez',
  'Castaño',
  'Londoño',
  'Ospina',
  'Zuluaga',
  'Cardona',
  'Giraldo',
];
/**
 * Always on the roster, first: tests look for them. The nickname in quotes is free text an agent
 * could type; it checks that JSON escaping reaches the client intact.
 */
const PINNED_NAMES = ['José Muñoz', 'María Fernanda Gómez', 'Luis "Lucho" Peña', 'Begoña Ibáñez Castaño'];

/** A deterministic roster of `count` agents with distinct names and distinct numeric ids. */
export function createRoster(random: Random, count: number): Agent[] {
  const names = new Set(PINNED_NAMES.slice(0, count));
  while (names.size < count) {
    const surnames =
      random() < 0.4 ? `${pick(random, SURNAMES)} ${pick(random, SURNAMES)}` : pick(random, SURNAMES);
    names.add(`${pick(random, FIRST_NAMES)} ${surnames}`);
  }
  const ids = new Set<string>();
  while (ids.size < count) ids.add(String(1000 + randomInt(random, 9000)));
  const idList = [...ids];
  return [...names].map((name, index) => ({ id: idList[index] as string, name }));
}
