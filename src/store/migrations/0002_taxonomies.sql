-- 0002_taxonomies: loads the fixed vocabularies: IUC cooperation topics, the 17 UN SDGs, Urban Agenda for the EU partnerships.

-- Cooperation topics used to tag IUC pairings and clusters (Tourism and Health and well-being
-- cover themes the IUC Asia pairings work on: smart tourism, e-health, silver economy).
INSERT INTO topics (slug, name) VALUES
  ('air-quality', 'Air quality'),
  ('circular-economy', 'Circular economy'),
  ('climate-adaptation', 'Climate adaptation'),
  ('culture-cultural-heritage', 'Culture/cultural heritage'),
  ('digital-transition', 'Digital transition'),
  ('education-jobs-and-skills-in-the-local-economy', 'Education, jobs and skills in the local economy'),
  ('energy-transition', 'Energy transition'),
  ('health-and-well-being', 'Health and well-being'),
  ('housing', 'Housing'),
  ('inclusion-of-migrants-and-refugees', 'Inclusion of migrants and refugees'),
  ('innovative-and-responsible-public-procurement', 'Innovative and responsible public procurement'),
  ('integrated-urban-rural-development', 'Integrated urban-rural development'),
  ('nature-and-cultural-heritage-conservation', 'Nature and cultural heritage conservation'),
  ('security-in-public-spaces', 'Security in public spaces'),
  ('smart-cities-and-regional-urban-innovation-and-competitiveness', 'Smart cities and regional/urban innovation and competitiveness'),
  ('sustainable-production-consumption', 'Sustainable production/consumption'),
  ('sustainable-use-of-land-and-nature-based-solutions', 'Sustainable use of land and nature-based solutions'),
  ('tourism', 'Tourism'),
  ('urban-mobility', 'Urban mobility'),
  ('urban-poverty', 'Urban poverty'),
  ('water-waste-management-and-sanitation', 'Water, waste management and sanitation');

-- UN Sustainable Development Goals (2030 Agenda), with their official short titles.
INSERT INTO sdgs (number, slug, title) VALUES
  (1, 'sdg-1', 'No poverty'),
  (2, 'sdg-2', 'Zero hunger'),
  (3, 'sdg-3', 'Good health and well-being'),
  (4, 'sdg-4', 'Quality education'),
  (5, 'sdg-5', 'Gender equality'),
  (6, 'sdg-6', 'Clean water and sanitation'),
  (7, 'sdg-7', 'Affordable and clean energy'),
  (8, 'sdg-8', 'Decent work and economic growth'),
  (9, 'sdg-9', 'Industry, innovation and infrastructure'),
  (10, 'sdg-10', 'Reduced inequalities'),
  (11, 'sdg-11', 'Sustainable cities and communities'),
  (12, 'sdg-12', 'Responsible consumption and production'),
  (13, 'sdg-13', 'Climate action'),
  (14, 'sdg-14', 'Life below water'),
  (15, 'sdg-15', 'Life on land'),
  (16, 'sdg-16', 'Peace, justice and strong institutions'),
  (17, 'sdg-17', 'Partnerships for the goals');

-- Thematic partnerships of the Urban Agenda for the EU: the first fourteen (2016-2017),
-- then Greening cities and Sustainable tourism (2022), Food and Cities of equality (2024),
-- and the two themes put forward by the 2023 Gijon Agreement, Water sensitive city and
-- Building decarbonisation.
INSERT INTO urban_agenda (slug, name) VALUES
  ('air-quality', 'Air quality'),
  ('circular-economy', 'Circular economy'),
  ('climate-adaptation', 'Climate adaptation'),
  ('culture-cultural-heritage', 'Culture/Cultural heritage'),
  ('digital-transition', 'Digital transition'),
  ('energy-transition', 'Energy transition'),
  ('housing', 'Housing'),
  ('inclusion-of-migrants-and-refugees', 'Inclusion of migrants and refugees'),
  ('innovative-and-responsible-public-procurement', 'Innovative and responsible public procurement'),
  ('jobs-and-skills-in-the-local-economy', 'Jobs and skills in the local economy'),
  ('security-in-public-spaces', 'Security in public spaces'),
  ('sustainable-use-of-land-and-nature-based-solutions', 'Sustainable use of land and nature-based solutions'),
  ('urban-mobility', 'Urban mobility'),
  ('urban-poverty', 'Urban poverty'),
  ('greening-cities', 'Greening cities'),
  ('sustainable-tourism', 'Sustainable tourism'),
  ('food', 'Food'),
  ('cities-of-equality', 'Cities of equality'),
  ('water-sensitive-city', 'Water sensitive city'),
  ('building-decarbonisation', 'Building decarbonisation');
