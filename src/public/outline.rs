//! The map's base layer: the outline of France (with its overseas
//! departments) cut from npm `world-atlas`'s `countries-50m.json` (Natural
//! Earth 1:50m, public domain; the package is ISC) and served as GeoJSON by
//! `web::assets` at `/static/carte/france.geojson`, made once.
//!
//! TopoJSON keeps shared borders once as quantized, delta-encoded arcs;
//! a polygon's ring lists arc indexes (`!i`, i.e. `-i - 1`, for arc `i`
//! reversed). [`france`] decodes the one country it needs (id `250`) without
//! a TopoJSON library.

use serde_json::{Value, json};

/// The decoded arcs of a topology: absolute `[longitude, latitude]` points.
fn arcs(topology: &Value) -> Option<Vec<Vec<[f64; 2]>>> {
    let transform = topology.get("transform");
    let pair = |key: &str, default: f64| -> [f64; 2] {
        let v = transform.and_then(|t| t.get(key));
        [
            v.and_then(|v| v.get(0))
                .and_then(Value::as_f64)
                .unwrap_or(default),
            v.and_then(|v| v.get(1))
                .and_then(Value::as_f64)
                .unwrap_or(default),
        ]
    };
    let (scale, translate) = (pair("scale", 1.0), pair("translate", 0.0));
    let quantized = transform.is_some();
    let mut out = Vec::new();
    for arc in topology.get("arcs")?.as_array()? {
        let (mut x, mut y) = (0.0, 0.0);
        let mut points = Vec::new();
        for p in arc.as_array()? {
            let (px, py) = (p.get(0)?.as_f64()?, p.get(1)?.as_f64()?);
            if quantized {
                x += px;
                y += py;
                points.push([x * scale[0] + translate[0], y * scale[1] + translate[1]]);
            } else {
                points.push([px, py]);
            }
        }
        out.push(points);
    }
    Some(out)
}

/// A ring from its arc indexes.
fn ring(indexes: &Value, arcs: &[Vec<[f64; 2]>]) -> Option<Vec<[f64; 2]>> {
    let mut points: Vec<[f64; 2]> = Vec::new();
    for index in indexes.as_array()? {
        let i = index.as_i64()?;
        let mut arc = if i >= 0 {
            arcs.get(i as usize)?.clone()
        } else {
            let mut a = arcs.get((!i) as usize)?.clone();
            a.reverse();
            a
        };
        if !points.is_empty() && !arc.is_empty() {
            arc.remove(0);
        }
        points.extend(arc);
    }
    Some(points)
}

/// The GeoJSON `FeatureCollection` (bytes) of the country with id `id` of
/// the topology's `countries` object; `None` when the file is not such a
/// topology or has no such country.
pub fn country(topology: &[u8], id: &str) -> Option<Vec<u8>> {
    let topology: Value = serde_json::from_slice(topology).ok()?;
    let arcs = arcs(&topology)?;
    let geometry = topology
        .get("objects")?
        .get("countries")?
        .get("geometries")?
        .as_array()?
        .iter()
        .find(|g| g.get("id").and_then(Value::as_str) == Some(id))?;
    let polygon = |rings: &Value| -> Option<Vec<Vec<[f64; 2]>>> {
        rings.as_array()?.iter().map(|r| ring(r, &arcs)).collect()
    };
    let coordinates = match geometry.get("type")?.as_str()? {
        "Polygon" => vec![polygon(geometry.get("arcs")?)?],
        "MultiPolygon" => geometry
            .get("arcs")?
            .as_array()?
            .iter()
            .map(polygon)
            .collect::<Option<Vec<_>>>()?,
        _ => return None,
    };
    // Five decimals (about a metre) are far finer than the 1:50m source.
    let round = |v: f64| (v * 100_000.0).round() / 100_000.0;
    let coordinates: Vec<Vec<Vec<[f64; 2]>>> = coordinates
        .into_iter()
        .map(|poly| {
            poly.into_iter()
                .map(|r| r.into_iter().map(|[x, y]| [round(x), round(y)]).collect())
                .collect()
        })
        .collect();
    let name = geometry
        .get("properties")
        .and_then(|p| p.get("name"))
        .cloned()
        .unwrap_or(Value::Null);
    serde_json::to_vec(&json!({
        "type": "FeatureCollection",
        "features": [{
            "type": "Feature",
            "properties": { "name": name },
            "geometry": { "type": "MultiPolygon", "coordinates": coordinates },
        }],
    }))
    .ok()
}

/// France (ISO 3166 numeric `250`) from `countries-50m.json`.
pub fn france(topology: &[u8]) -> Option<Vec<u8>> {
    country(topology, "250")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_quantized_arcs_and_reversed_ones() {
        let topology = br#"{"type":"Topology","transform":{"scale":[0.5,0.5],"translate":[10,20]},
            "objects":{"countries":{"type":"GeometryCollection","geometries":[
              {"type":"Polygon","id":"250","properties":{"name":"France"},"arcs":[[0,-2]]}]}},
            "arcs":[[[0,0],[2,0],[0,2]],[[0,0],[2,2]]]}"#;
        let out: Value = serde_json::from_slice(&country(topology, "250").unwrap()).unwrap();
        let ring = &out["features"][0]["geometry"]["coordinates"][0][0];
        // Arc 0: (10,20) (11,20) (11,21); arc 1 reversed: (11,21) (10,20).
        assert_eq!(
            ring,
            &json!([[10.0, 20.0], [11.0, 20.0], [11.0, 21.0], [10.0, 20.0]])
        );
        assert!(country(topology, "999").is_none());
    }

    #[test]
    fn france_from_the_npm_package_when_installed() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("node_modules/world-atlas/countries-50m.json");
        let Ok(bytes) = std::fs::read(path) else {
            return;
        };
        let out: Value = serde_json::from_slice(&france(&bytes).unwrap()).unwrap();
        let polygons = out["features"][0]["geometry"]["coordinates"]
            .as_array()
            .unwrap();
        assert!(polygons.len() >= 5, "metropolitan France and overseas");
        // Paris (2.35 E, 48.85 N) lies inside the bounding box of the polygons.
        let points = polygons
            .iter()
            .flat_map(|p| p[0].as_array().unwrap().iter())
            .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()));
        assert!(points.clone().any(|(x, _)| x < 2.35));
        assert!(points.clone().any(|(_, y)| y > 48.85));
    }
}
