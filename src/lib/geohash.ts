/**
 * Geohash arithmetic as Redis 7.0's geo commands use it: 26-step (52-bit) interleaved cells over
 * longitude [-180, 180] and latitude [-85.05112878, 85.05112878] (latitude in the even bits,
 * longitude in the odd bits), decoding a score to its cell centre, the haversine distance with
 * Redis's earth radius, the step estimate and the 9-cell search area of a radius or box query,
 * the standard base-32 geohash string, and the exact decimal formats of GEOPOS and distances.
 * Pure functions over plain numbers; no I/O.
 */

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
export const EARTH_RADIUS_M = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;

/** A cell: `lat` and `lon` are the step-bit integer coordinates (0 .. 2^step-1). */
export interface Cell { lat: number; lon: number; step: number }

export interface Area { lonMin: number; lonMax: number; latMin: number; latMax: number }

/**
 * Spreads the bits of v onto the even bit positions. v has at most 27 bits: an offset of exactly
 * 2^step (a coordinate on the upper limit) keeps its carry bit, as Redis's uint32 interleave does.
 */
function spread(v: number): number {
  let out = 0;
  let p = 1;
  for (let i = 0; i < 27; i++) {
    if (v % 2 === 1) out += p;
    v = Math.floor(v / 2);
    p *= 4;
  }
  return out;
}

/** Cell of (lon, lat) at `step` for the given ranges; null when outside the geo limits. */
export function encodeCell(lon: number, lat: number, step: number, latMin = GEO_LAT_MIN, latMax = GEO_LAT_MAX): Cell | null {
  if (lon > GEO_LONG_MAX || lon < GEO_LONG_MIN || lat > GEO_LAT_MAX || lat < GEO_LAT_MIN) return null;
  if (lat < latMin || lat > latMax) return null;
  const scale = 2 ** step;
  const latOff = ((lat - latMin) / (latMax - latMin)) * scale;
  const lonOff = ((lon - GEO_LONG_MIN) / (GEO_LONG_MAX - GEO_LONG_MIN)) * scale;
  // Redis converts the offsets to uint32 (truncation); an offset of exactly 2^step keeps its bit.
  return { lat: Math.trunc(latOff) >>> 0, lon: Math.trunc(lonOff) >>> 0, step };
}

/** The interleaved bits of a cell (lat bit i at 2i, lon bit i at 2i+1), as a number (< 2^53). */
export function cellBits(c: Cell): number {
  return spread(c.lat) + 2 * spread(c.lon);
}

/** The 52-bit score of a cell (its bits aligned to step 26). */
export function cellScore52(c: Cell): number {
  return cellBits(c) * 2 ** (52 - 2 * c.step);
}

/** The score GEOADD stores for (lon, lat), or null when the pair is outside the limits. */
export function geoScore(lon: number, lat: number): number | null {
  const c = encodeCell(lon, lat, GEO_STEP_MAX);
  return c === null ? null : cellScore52(c);
}

/** Cell bounds (geohashDecode). */
export function cellArea(c: Cell, latMin = GEO_LAT_MIN, latMax = GEO_LAT_MAX): Area {
  const div = 2 ** c.step;
  const latScale = latMax - latMin;
  const lonScale = GEO_LONG_MAX - GEO_LONG_MIN;
  return {
    latMin: latMin + (c.lat * 1.0 / div) * latScale,
    latMax: latMin + ((c.lat + 1) * 1.0 / div) * latScale,
    lonMin: GEO_LONG_MIN + (c.lon * 1.0 / div) * lonScale,
    lonMax: GEO_LONG_MIN + ((c.lon + 1) * 1.0 / div) * lonScale,
  };
}

/** Even bits of a 64-bit value given as two 32-bit words, compacted into 32 bits. */
function compactEven(hi: number, lo: number): number {
  let out = 0;
  for (let i = 0; i < 16; i++) {
    if ((lo >>> (2 * i)) & 1) out += 2 ** i;
    if ((hi >>> (2 * i)) & 1) out += 2 ** (i + 16);
  }
  return out;
}

/**
 * The 64-bit integer a score becomes when Redis casts it to uint64_t on x86-64 (fraction dropped;
 * checked on the real server: -1 becomes all ones, scores from 2^64 up become 0, below -2^63 the
 * conversion yields 2^63), as two 32-bit words [high, low].
 */
function scoreWords(score: number): [number, number] {
  if (Number.isNaN(score) || score >= 2 ** 64) return [0, 0];
  if (score < -(2 ** 63)) return [0x80000000, 0];
  const v = Math.trunc(score);
  if (v >= 0 && v < 2 ** 53) return [Math.floor(v / 2 ** 32), v % 2 ** 32];
  const b = BigInt.asUintN(64, BigInt(v));
  return [Number(b >> 32n), Number(b & 0xffffffffn)];
}

/** The centre of a score's step-26 cell, clamped to the limits (decodeGeohash): [lon, lat]. */
export function decodeScore(score: number): [number, number] {
  const [hi, lo] = scoreWords(score);
  const lat = compactEven(hi, lo);
  const lon = compactEven(hi >>> 1, ((lo >>> 1) | ((hi & 1) << 31)) >>> 0);
  const a = cellArea({ lat, lon, step: GEO_STEP_MAX });
  let x = (a.lonMin + a.lonMax) / 2;
  let y = (a.latMin + a.latMax) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  return [x, y];
}

const ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH's 11-character string: the decoded point re-encoded over latitude [-90, 90]. */
export function geohashString(score: number): string {
  const [x, y] = decodeScore(score);
  const c = encodeCell(x, y, GEO_STEP_MAX, -90, 90);
  const bits = c === null ? 0 : cellBits(c);
  let out = '';
  for (let i = 0; i < 11; i++) {
    const shift = 52 - (i + 1) * 5;
    // The last character shifts by a negative count, which x86 masks to 6 bits (always '0' here).
    const idx = Math.floor(bits / 2 ** (shift & 63)) % 32;
    out += ALPHABET[idx];
  }
  return out;
}

function degRad(a: number): number {
  return a * D_R;
}

function radDeg(a: number): number {
  return a / D_R;
}

export function latDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS_M * Math.abs(degRad(lat2) - degRad(lat1));
}

/** Haversine distance in meters (geohashGetDistance, with its same-longitude shortcut). */
export function geoDistance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const lon1r = degRad(lon1);
  const lon2r = degRad(lon2);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0) return latDistance(lat1, lat2);
  const lat1r = degRad(lat1);
  const lat2r = degRad(lat2);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_M * Math.asin(Math.sqrt(a));
}

/** A search shape: centre, and radius or box in the request's unit; `conv` converts the unit to meters. */
export type Shape =
  | { kind: 'circle'; lon: number; lat: number; conv: number; radius: number }
  | { kind: 'box'; lon: number; lat: number; conv: number; width: number; height: number };

/** Distance from the shape's centre in meters when (lon, lat) lies within the shape, else null. */
export function distanceIfWithin(s: Shape, lon: number, lat: number): number | null {
  if (s.kind === 'circle') {
    const d = geoDistance(s.lon, s.lat, lon, lat);
    return d > s.radius * s.conv ? null : d;
  }
  const w = s.width * s.conv;
  const h = s.height * s.conv;
  if (latDistance(lat, s.lat) > h / 2) return null;
  if (geoDistance(lon, lat, s.lon, lat) > w / 2) return null;
  return geoDistance(s.lon, s.lat, lon, lat);
}

export function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** [minLon, minLat, maxLon, maxLat] of the shape (geohashBoundingBox). */
export function boundingBox(s: Shape): [number, number, number, number] {
  const height = s.conv * (s.kind === 'circle' ? s.radius : s.height / 2);
  const width = s.conv * (s.kind === 'circle' ? s.radius : s.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_M);
  const lonDeltaTop = radDeg(width / EARTH_RADIUS_M / Math.cos(degRad(s.lat + latDelta)));
  const lonDeltaBottom = radDeg(width / EARTH_RADIUS_M / Math.cos(degRad(s.lat - latDelta)));
  const south = s.lat < 0;
  return [
    south ? s.lon - lonDeltaBottom : s.lon - lonDeltaTop,
    s.lat - latDelta,
    south ? s.lon + lonDeltaBottom : s.lon + lonDeltaTop,
    s.lat + latDelta,
  ];
}

function moved(c: Cell, dLon: number, dLat: number): Cell {
  const m = 2 ** c.step;
  return { lat: (c.lat + dLat + m) % m, lon: (c.lon + dLon + m) % m, step: c.step };
}

/**
 * The cells to scan for a shape, in Redis's order (centre, N, S, E, W, NE, NW, SE, SW), useless
 * neighbours dropped and a neighbour equal to the previously kept one skipped. Each cell is given
 * as its half-open score range [min, max).
 */
export function searchRanges(s: Shape): Array<[number, number]> {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(s);
  const radiusM = s.conv * (s.kind === 'circle' ? s.radius : Math.sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2)));
  let steps = estimateSteps(radiusM, s.lat);
  const build = (st: number): { cell: Cell; nb: Array<Cell | null> } => {
    const cell = encodeCell(s.lon, s.lat, st) ?? { lat: 0, lon: 0, step: st };
    // north, south, east, west, north_east, north_west, south_east, south_west
    const nb: Array<Cell | null> = [
      moved(cell, 0, 1), moved(cell, 0, -1), moved(cell, 1, 0), moved(cell, -1, 0),
      moved(cell, 1, 1), moved(cell, -1, 1), moved(cell, 1, -1), moved(cell, -1, -1),
    ];
    return { cell, nb };
  };
  let { cell, nb } = build(steps);
  const north = cellArea(nb[0]!), south = cellArea(nb[1]!), east = cellArea(nb[2]!), west = cellArea(nb[3]!);
  const decrease = north.latMax < maxLat || south.latMin > minLat || east.lonMax < maxLon || west.lonMin > minLon;
  if (steps > 1 && decrease) {
    steps--;
    ({ cell, nb } = build(steps));
  }
  const area = cellArea(cell);
  if (steps >= 2) {
    if (area.latMin < minLat) { nb[1] = null; nb[7] = null; nb[6] = null; }
    if (area.latMax > maxLat) { nb[0] = null; nb[4] = null; nb[5] = null; }
    if (area.lonMin < minLon) { nb[3] = null; nb[7] = null; nb[5] = null; }
    if (area.lonMax > maxLon) { nb[2] = null; nb[6] = null; nb[4] = null; }
  }
  const all: Array<Cell | null> = [cell, ...nb];
  const out: Array<[number, number]> = [];
  // Redis compares with the previously processed cell only when that was a neighbour (index > 0).
  let lastIdx = 0;
  for (let i = 0; i < all.length; i++) {
    const c = all[i];
    if (c === null || c === undefined) continue;
    const prev = all[lastIdx];
    if (lastIdx > 0 && prev !== null && prev !== undefined && prev.lat === c.lat && prev.lon === c.lon) continue;
    const unit = 2 ** (52 - 2 * c.step);
    const min = cellBits(c) * unit;
    out.push([min, min + unit]);
    lastIdx = i;
  }
  return out;
}

/** Exact decimal of a finite double with `digits` fraction digits, ties to even (printf "%.Nf"). */
export function fixedExact(x: number, digits: number): string {
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan';
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  // a = m * 2^e exactly
  let e = 0;
  let m = a;
  while (m !== Math.floor(m)) { m *= 2; e--; }
  let num = BigInt(m) * 10n ** BigInt(digits);
  let den = 1n;
  if (e < 0) den = 1n << BigInt(-e);
  let q = num / den;
  const r = num - q * den;
  if (r * 2n > den || (r * 2n === den && (q & 1n) === 1n)) q += 1n;
  num = q;
  let s = num.toString().padStart(digits + 1, '0');
  if (digits > 0) s = `${s.slice(0, s.length - digits)}.${s.slice(s.length - digits)}`;
  return (neg ? '-' : '') + s;
}

/** GEOPOS coordinates: "%.17f" with trailing zeros (and a bare dot) removed, as Redis's human long double. */
export function humanCoord(x: number): string {
  let s = fixedExact(x, 17);
  if (s.includes('.')) {
    s = s.replace(/0+$/, '');
    if (s.endsWith('.')) s = s.slice(0, -1);
  }
  if (s === '-0') s = '0';
  return s;
}

/** Distances in replies: "%.4f". */
export function formatDistance(d: number): string {
  return fixedExact(d, 4);
}
