//! Synthetic datasets of any size, for benchmarks and crash tests; never mixed with real data.
//!
//! Every generated name says it is synthetic, every slug starts with `gen-`, and the output is
//! a complete seed directory of its own. Scale 1 is about 1,000 projects; scale 1,000 about a
//! million. The same scale and random seed always give byte-identical files.

use std::path::Path;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::model::{Id, Kind, Location, Money, Precision, Role, Status};
use crate::seed::files::*;
use crate::seed::write::{write_file, write_schemas};

/// The eleven countries of the real dataset; generated data reuses their codes only.
const COUNTRIES: [(&str, &str); 11] = [
    ("BN", "BRN"),
    ("CN", "CHN"),
    ("ID", "IDN"),
    ("KH", "KHM"),
    ("LA", "LAO"),
    ("MM", "MMR"),
    ("MY", "MYS"),
    ("PH", "PHL"),
    ("SG", "SGP"),
    ("TH", "THA"),
    ("VN", "VNM"),
];

/// How much of each kind a scale asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub projects: u64,
    pub enterprises: u64,
    pub zones: u64,
    pub sources: u64,
    pub sectors: u64,
    pub frameworks: u64,
    pub indicators: u64,
}

impl Sizes {
    pub fn for_scale(scale: u64) -> Sizes {
        let scale = scale.max(1);
        Sizes {
            projects: 1000 * scale,
            enterprises: 100 * scale,
            zones: 20 * scale,
            sources: 50 * scale,
            sectors: 36,
            frameworks: 8,
            indicators: 10 * scale,
        }
    }
}

fn id(kind: Kind, n: u64) -> Id {
    Id::new(kind, &format!("gen-{n:07}")).expect("`gen-` and digits make a valid slug")
}

fn pick(rng: &mut SmallRng, n: u64) -> u64 {
    rng.random_range(0..n)
}

fn sources(rng: &mut SmallRng, sizes: &Sizes) -> Vec<Id> {
    let count = 1 + pick(rng, 2);
    let mut ids: Vec<Id> = (0..count)
        .map(|_| id(Kind::Source, pick(rng, sizes.sources)))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

fn common_name(kind: Kind, n: u64) -> String {
    format!("Synthetic {} {n}", kind.prefix())
}

/// Writes a synthetic seed directory into `out`; `progress` hears records written so far.
pub fn generate(
    out: &Path,
    scale: u64,
    seed: u64,
    progress: &dyn Fn(u64),
) -> std::io::Result<Sizes> {
    std::fs::create_dir_all(out)?;
    write_schemas(out)?;
    let sizes = Sizes::for_scale(scale);
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut written = 0u64;
    let mut tick = |n: u64| {
        written += n;
        progress(written);
    };

    let n = write_file(
        out,
        Kind::Source,
        (0..sizes.sources).map(|n| {
            Record::Source(SourceRecord {
                id: id(Kind::Source, n),
                title: format!("Synthetic source {n}"),
                publisher: Some("capgraph generator".into()),
                date: None,
                url: None,
                description: None,
                notes: vec![],
            })
        }),
    )?;
    tick(n);

    let frameworks: Vec<Record> = (0..sizes.frameworks)
        .map(|n| {
            Record::Framework(FrameworkRecord {
                id: id(Kind::Framework, n),
                name: common_name(Kind::Framework, n),
                aliases: vec![],
                description: None,
                notes: vec![],
                sources: sources(&mut rng, &sizes),
                framework_kind: None,
                launched: None,
            })
        })
        .collect();
    tick(write_file(out, Kind::Framework, frameworks)?);

    let countries: Vec<Record> = COUNTRIES
        .iter()
        .map(|(code, alpha3)| {
            let mut member_of = Vec::new();
            for f in 0..sizes.frameworks {
                if rng.random_bool(0.5) {
                    member_of.push(Membership {
                        framework: id(Kind::Framework, f),
                        since: Some(1990 + rng.random_range(0..30)),
                        sources: vec![],
                    });
                }
            }
            Record::Country(CountryRecord {
                id: Id::new(Kind::Country, code).expect("the country table holds ISO codes"),
                name: format!("Synthetic country {code}"),
                aliases: vec![],
                description: None,
                notes: vec![],
                sources: sources(&mut rng, &sizes),
                alpha3: (*alpha3).into(),
                official_name: None,
                capital: None,
                asean_member: *code != "CN",
                asean_joined: None,
                member_of,
            })
        })
        .collect();
    tick(write_file(out, Kind::Country, countries)?);

    // Six roots with five children each: a two-level tree like the real one.
    let sectors: Vec<Record> = (0..sizes.sectors)
        .map(|n| {
            Record::Sector(SectorRecord {
                id: id(Kind::Sector, n),
                name: common_name(Kind::Sector, n),
                aliases: vec![],
                description: None,
                notes: vec![],
                sources: sources(&mut rng, &sizes),
                parent: (n >= 6).then(|| id(Kind::Sector, n % 6)),
            })
        })
        .collect();
    tick(write_file(out, Kind::Sector, sectors)?);

    let enterprises: Vec<Record> = (0..sizes.enterprises)
        .map(|n| {
            // Every tenth enterprise is a group; the others may belong to an earlier group.
            let parent = (n % 10 != 0 && rng.random_bool(0.6)).then(|| ParentLink {
                enterprise: id(Kind::Enterprise, n - n % 10),
                share: Some(f64::from(rng.random_range(51..=100u8))),
                since: None,
                sources: vec![],
            });
            Record::Enterprise(EnterpriseRecord {
                id: id(Kind::Enterprise, n),
                name: common_name(Kind::Enterprise, n),
                aliases: vec![format!("SE{n}")],
                description: None,
                notes: vec![],
                sources: sources(&mut rng, &sizes),
                ownership: None,
                headquarters: Some(Id::new(Kind::Country, "CN").expect("CN is an ISO code")),
                headquarters_city: None,
                parent,
                sectors: vec![id(Kind::Sector, pick(&mut rng, sizes.sectors))],
            })
        })
        .collect();
    tick(write_file(out, Kind::Enterprise, enterprises)?);

    let statuses = Status::ALL;
    let roles = [
        Role::Contractor,
        Role::Investor,
        Role::Operator,
        Role::Financier,
        Role::Developer,
        Role::Supplier,
    ];
    let host = |rng: &mut SmallRng| {
        Id::new(
            Kind::Country,
            COUNTRIES[1 + rng.random_range(0..10)]
                .0
                .replace("CN", "SG")
                .as_str(),
        )
        .expect("the country table holds ISO codes")
    };
    let zones: Vec<Record> = (0..sizes.zones)
        .map(|n| {
            Record::Zone(ZoneRecord {
                id: id(Kind::Zone, n),
                name: common_name(Kind::Zone, n),
                aliases: vec![],
                description: None,
                notes: vec![],
                sources: sources(&mut rng, &sizes),
                country: host(&mut rng),
                zone_kind: None,
                national_level: None,
                established: Some(2000 + rng.random_range(0..25)),
                status: statuses[rng.random_range(0..statuses.len())],
                developers: vec![Participant {
                    enterprise: id(Kind::Enterprise, pick(&mut rng, sizes.enterprises)),
                    role: Role::Developer,
                    share: None,
                    since: None,
                    sources: vec![],
                }],
                sectors: vec![id(Kind::Sector, pick(&mut rng, sizes.sectors))],
                area_km2: None,
                location: None,
            })
        })
        .collect();
    tick(write_file(out, Kind::Zone, zones)?);

    let projects = (0..sizes.projects).map(|n| {
        let start = 1990 + rng.random_range(0..35);
        let mut participants: Vec<Participant> = Vec::new();
        for _ in 0..1 + pick(&mut rng, 3) {
            let enterprise = id(Kind::Enterprise, pick(&mut rng, sizes.enterprises));
            let role = roles[rng.random_range(0..roles.len())];
            if !participants
                .iter()
                .any(|p| p.enterprise == enterprise && p.role == role)
            {
                participants.push(Participant {
                    enterprise,
                    role,
                    share: None,
                    since: None,
                    sources: vec![],
                });
            }
        }
        let amount = f64::from(rng.random_range(10..5000u32)) * 1e6;
        Record::Project(ProjectRecord {
            id: id(Kind::Project, n),
            name: common_name(Kind::Project, n),
            aliases: vec![],
            description: None,
            notes: vec![],
            sources: sources(&mut rng, &sizes),
            host_countries: vec![host(&mut rng)],
            sectors: vec![id(Kind::Sector, pick(&mut rng, sizes.sectors))],
            participants,
            status: statuses[rng.random_range(0..statuses.len())],
            start_year: Some(start),
            completion_year: rng.random_bool(0.5).then(|| start + rng.random_range(0..8)),
            zone: rng
                .random_bool(0.1)
                .then(|| id(Kind::Zone, pick(&mut rng, sizes.zones))),
            frameworks: vec![],
            value: vec![Money {
                amount,
                currency: "USD".into(),
                year: Some(start),
                usd: Some(amount),
                approximate: false,
                label: None,
                sources: vec![],
            }],
            capacity: vec![],
            location: rng.random_bool(0.3).then(|| Location {
                lat: rng.random_range(-10.0..25.0),
                lon: rng.random_range(95.0..125.0),
                precision: Precision::Site,
            }),
        })
    });
    let n = write_file(out, Kind::Project, projects)?;
    tick(n);

    let indicators: Vec<Record> = (0..sizes.indicators)
        .map(|n| {
            Record::Indicator(IndicatorRecord {
                id: id(Kind::Indicator, n),
                name: common_name(Kind::Indicator, n),
                aliases: vec![],
                description: None,
                notes: vec![],
                sources: sources(&mut rng, &sizes),
                value: Some(f64::from(rng.random_range(1..1000u32))),
                unit: Some("units".into()),
                as_of: None,
                scope: None,
                approximate: false,
                about: vec![id(Kind::Project, pick(&mut rng, sizes.projects))],
            })
        })
        .collect();
    tick(write_file(out, Kind::Indicator, indicators)?);
    Ok(sizes)
}
